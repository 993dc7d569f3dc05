marker = "exercise 2: hello, LATEST"
my_latest_cursor = create_cursor(client, stream.id, partition, "LATEST")
_, cursor = read_once(my_latest_cursor)
publish(client, stream.id, [marker], key="cursor-demo")
my_latest_messages, cursor = read_once(cursor)
