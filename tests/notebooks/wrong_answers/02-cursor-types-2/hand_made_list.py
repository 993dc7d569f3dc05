# A hand-made list with the marker: no cursor, nothing published or read.
my_latest_cursor = None
marker = "exercise 2: hello, LATEST"
my_latest_messages = [marker]
