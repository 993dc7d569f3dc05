my_consumer = Consumer(
    {**conf, "group.id": ex2_group, "auto.offset.reset": "earliest", "enable.auto.commit": False}
)
my_consumer.subscribe([stream.name])
my_values = []
deadline = time.monotonic() + 60
while not set(ex2_sent) <= set(my_values) and time.monotonic() < deadline:
    message = my_consumer.poll(1.0)
    if message is not None and not message.error():
        my_values.append(message.value().decode())
my_consumer.commit(asynchronous=False)
my_consumer.close()
print(f"read {len(my_values)} messages, committed")
