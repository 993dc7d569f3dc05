# A raw AT_OFFSET cursor value from the SDK: its type cannot be seen, and it is not AFTER_OFFSET.
my_cursor = client.create_cursor(
    stream.id,
    oci.streaming.models.CreateCursorDetails(
        partition=partition, type="AT_OFFSET", offset=first + 3
    ),
).data.value
