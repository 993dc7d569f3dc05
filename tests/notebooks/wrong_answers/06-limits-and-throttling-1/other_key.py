# Publishes the chunks with the lesson's key instead of "ex1", and hands in the bytes it chunked.
sent = publish(
    client, stream.id, chunk(payload, size=512 * 1024), key="big-payload", serializer=raw
)
my_payload = payload
