# The other cursor type: AT_OFFSET at the same message starts there too, but the exercise asks for AFTER_OFFSET.
my_cursor = create_cursor(client, stream.id, partition, "AT_OFFSET", offset=first + 3)
