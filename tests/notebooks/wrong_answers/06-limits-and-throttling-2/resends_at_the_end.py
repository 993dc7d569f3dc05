# Puts the refused entries at the end of the to-do list: they are stored after later ones, out of order.
my_acknowledged = 0
todo = list(ex2_values)
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
    refused = [v for v, e in zip(batch, answer.entries, strict=True) if e.error]
    my_acknowledged += len(batch) - len(refused)
    todo = todo[15:] + refused
    if refused:
        time.sleep(wait_ms(next(e for e in answer.entries if e.error).error_message) / 1000)
