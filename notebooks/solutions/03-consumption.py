cursor = client.create_cursor(
    stream.id, oci.streaming.models.CreateCursorDetails(partition="1", type="TRIM_HORIZON")
).data.value
my_count = 0
while True:
    response = client.get_messages(stream.id, cursor, limit=1000)
    cursor = response.headers["opc-next-cursor"]
    if not response.data:
        break
    my_count += len(response.data)
    time.sleep(0.2)
