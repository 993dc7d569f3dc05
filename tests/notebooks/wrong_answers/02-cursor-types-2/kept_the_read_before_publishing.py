# Keeps the (empty) read from before publishing, not the one after.
my_latest_cursor = None
marker = "exercise 2: hello, LATEST"
cursor = create_cursor(client, stream.id, partition, "LATEST")
my_latest_messages, cursor = read_once(cursor)
publish(client, stream.id, [marker], key="cursor-demo")
