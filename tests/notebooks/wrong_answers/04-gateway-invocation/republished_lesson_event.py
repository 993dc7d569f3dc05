# Copies the lesson's event (its callId, function and URL) under a new name and publishes it directly.
import json

from labhelpers import publish
from labhelpers.gateway import hello_events

my_name = "Ada Lovelace"
copy = {**event.value, "name": my_name, "greeting": f"Hello, {my_name}!"}
publish(client, stream.id, [(my_name, json.dumps(copy))])
my_event = hello_events(client, stream, my_name)[-1]
