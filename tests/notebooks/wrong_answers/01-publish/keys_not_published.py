# Names two keys but publishes nothing.
my_keys = ["alpha", "beta"]
