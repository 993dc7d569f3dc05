# Publishes a hello-looking event with PutMessages itself: no call went through the gateway.
import json

from labhelpers import publish
from labhelpers.gateway import hello_events

my_name = "Ada Lovelace"
fake = {"event": "hello.invoked", "name": my_name, "greeting": f"Hello, {my_name}!", "via": "http"}
publish(client, stream.id, [(my_name, json.dumps(fake))])
my_event = hello_events(client, stream, my_name)[-1]
