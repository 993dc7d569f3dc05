# Creates the LATEST cursor after publishing: it then sees nothing.
my_latest_cursor = None
marker = "exercise 2: hello, LATEST"
publish(client, stream.id, [marker], key="cursor-demo")
my_latest_messages, _ = read_once(create_cursor(client, stream.id, partition, "LATEST"))
