# TRIM_HORIZON instead of LATEST: the read returns old messages from the start of the partition.
my_latest_cursor = None
marker = "exercise 2: hello, LATEST"
cursor = create_cursor(client, stream.id, partition, "TRIM_HORIZON")
publish(client, stream.id, [marker], key="cursor-demo")
my_latest_messages, cursor = read_once(cursor)
