# Counts partition 1 in the messages read earlier in the notebook: the live section added more since.
my_count = sum(1 for m in messages if m.partition == "1")
