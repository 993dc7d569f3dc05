from labhelpers.gateway import hello_events, invoke_hello

my_name = "Ada Lovelace"
print(invoke_hello(hello, my_name))
my_event = hello_events(client, stream, my_name)[-1]
print(my_event.partition, my_event.offset, my_event.value["greeting"])
