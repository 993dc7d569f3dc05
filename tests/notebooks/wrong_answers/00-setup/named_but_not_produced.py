# Names a key of its own but produces nothing with it.
my_key = "ada"
