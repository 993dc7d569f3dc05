# A Message typed by hand with the marker's text: the stream holds no such message.
from labhelpers import Message

marker = "exercise 2: hello, LATEST"
my_latest_cursor = None
my_latest_messages = [
    Message(stream.id, partition, 10**6, "cursor-demo", marker, waves[0][0].timestamp)
]
