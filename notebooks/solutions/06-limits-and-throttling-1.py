parts = chunk(payload, size=512 * 1024)
sent = publish(client, stream.id, parts, key="ex1", serializer=raw)
back = consume(
    client,
    stream.id,
    partitions=sent.acks[0].partition,
    type="AT_OFFSET",
    offset=sent.acks[0].offset,
    deserializer=raw,
    max_messages=len(parts),
)
my_payload = next(iter(reassemble(m.value for m in back).values()))
