my_key = "my-device"
my_deliveries = []


def remember(error, message):
    if error is None:
        my_deliveries.append((message.partition(), message.offset()))


my_producer = Producer(dict(conf))
for i in range(5):
    my_producer.produce(stream.name, key=my_key, value=f"my reading {i}", on_delivery=remember)
my_producer.flush(30)
print(my_deliveries)
