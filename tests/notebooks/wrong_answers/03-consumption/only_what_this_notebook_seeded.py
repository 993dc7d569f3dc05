# Counts what the setup cell published to partition 1, not what the partition holds.
my_count = seeded.partitions().get("1", 0)
