# A TRIM_HORIZON cursor: it starts at the oldest message, not at first + 3.
my_cursor = create_cursor(client, stream.id, partition, "TRIM_HORIZON")
