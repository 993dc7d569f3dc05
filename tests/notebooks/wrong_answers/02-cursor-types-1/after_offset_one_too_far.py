# AFTER_OFFSET at first + 3 starts one message too late (at first + 4).
my_cursor = create_cursor(client, stream.id, partition, "AFTER_OFFSET", offset=first + 3)
