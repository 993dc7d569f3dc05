# Produces but never flushes (nor polls): no delivery report reaches the callback.
my_key = "my-device"
my_deliveries = []
my_producer = Producer(dict(conf))
for i in range(5):
    my_producer.produce(
        stream.name,
        key=my_key,
        value=f"my reading {i}",
        on_delivery=lambda e, m: my_deliveries.append((m.partition(), m.offset())),
    )
