todo = list(ex2_values)
my_acknowledged = 0
while todo:
    batch = todo[:15]
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
    stored = 0
    for entry in answer.entries:
        if entry.error:
            break  # keep order: resend this one and everything after it
        stored += 1
    my_acknowledged += stored
    todo = todo[stored:]
    refused = [e for e in answer.entries if e.error]
    if refused:
        time.sleep(wait_ms(refused[0].error_message) / 1000)
