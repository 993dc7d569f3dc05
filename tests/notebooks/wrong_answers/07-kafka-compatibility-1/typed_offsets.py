# Types plausible delivery reports by hand and produces nothing.
my_key = "my-device"
my_deliveries = [(0, 100), (0, 101), (0, 102), (0, 103), (0, 104)]
