my_cursor = create_cursor(client, stream.id, partition, "AFTER_OFFSET", offset=first + 2)
