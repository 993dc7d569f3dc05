# Types the event by hand instead of calling the function: nothing was sent or read back.
from datetime import UTC, datetime

from labhelpers import Message

my_name = "Ada Lovelace"
my_event = Message(
    stream.id,
    "0",
    0,
    my_name,
    {"event": "hello.invoked", "name": my_name, "greeting": f"Hello, {my_name}!", "via": "http"},
    datetime.now(UTC),
)
