# Calls the function with a new name, but hands in the lesson's event, not the one the call published.
from labhelpers.gateway import invoke_hello

my_name = "Ada Lovelace"
print(invoke_hello(hello, my_name))
my_event = event
