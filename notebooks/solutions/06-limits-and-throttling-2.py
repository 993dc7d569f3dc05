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
    # Resend exactly the entries whose result has an error (a stored entry sent again would be
    # stored twice), first and in their order, before anything not sent yet.
    refused = [(v, e) for v, e in zip(batch, answer.entries, strict=True) if e.error]
    my_acknowledged += len(batch) - len(refused)
    todo = [v for v, _ in refused] + todo[len(batch) :]
    if refused:
        time.sleep(max(wait_ms(e.error_message) for _, e in refused) / 1000)
