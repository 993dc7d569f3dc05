# Publishes the marker, then reads it back with an AT_OFFSET cursor at its offset: no LATEST cursor.
marker = "exercise 2: hello, LATEST"
sent = publish(client, stream.id, [marker], key="cursor-demo")
my_latest_cursor = create_cursor(
    client, stream.id, sent.acks[0].partition, "AT_OFFSET", offset=sent.acks[0].offset
)
my_latest_messages, _ = read_once(my_latest_cursor)
