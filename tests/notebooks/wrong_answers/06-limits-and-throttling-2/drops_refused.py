# Sends each batch once and ignores the per-entry errors: the throttled entries are lost.
my_acknowledged = 0
for start in range(0, 40, 15):
    answer = client.put_messages(
        stream.id,
        oci.streaming.models.PutMessagesDetails(
            messages=[
                oci.streaming.models.PutMessagesDetailsEntry(
                    key=b64encode(ex2_key), value=b64encode(v)
                )
                for v in ex2_values[start : start + 15]
            ]
        ),
    ).data
    my_acknowledged += len(answer.entries)
