# Reads the marker back at its offset, then makes a LATEST cursor after publishing to hand in.
marker = "exercise 2: hello, LATEST"
sent = publish(client, stream.id, [marker], key="cursor-demo")
my_latest_messages, _ = read_once(
    create_cursor(
        client, stream.id, sent.acks[0].partition, "AT_OFFSET", offset=sent.acks[0].offset
    )
)
my_latest_cursor = create_cursor(client, stream.id, partition, "LATEST")
