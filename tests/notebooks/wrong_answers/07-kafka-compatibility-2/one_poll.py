# Polls once and commits: at most one message read, the group's offsets stop short.
my_consumer = Consumer(
    {**conf, "group.id": ex2_group, "auto.offset.reset": "earliest", "enable.auto.commit": False}
)
my_consumer.subscribe([stream.name])
my_values = []
message = my_consumer.poll(10.0)
if message is not None and not message.error():
    my_values.append(message.value().decode())
    my_consumer.commit(asynchronous=False)
my_consumer.close()
