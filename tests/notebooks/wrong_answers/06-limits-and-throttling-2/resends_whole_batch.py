# Resends the whole batch when any entry was refused: the entries already stored are stored twice.
my_acknowledged = 0
for start in range(0, 40, 15):
    batch = ex2_values[start : start + 15]
    for _attempt in range(10):
        answer = client.put_messages(
            stream.id,
            oci.streaming.models.PutMessagesDetails(
                messages=[
                    oci.streaming.models.PutMessagesDetailsEntry(
                        key=b64encode(ex2_key), value=b64encode(v)
                    )
                    for v in batch
                ]
            ),
        ).data
        refused = [e for e in answer.entries if e.error]
        if not refused:
            break
        time.sleep(wait_ms(refused[0].error_message) / 1000)  # then the same batch again
    my_acknowledged += len(batch)
