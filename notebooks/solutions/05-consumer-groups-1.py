client.update_group(
    stream.id, backlog_group, oci.streaming.models.UpdateGroupDetails(type="LATEST")
)
my_batch_1 = GroupInstance(client, stream, backlog_group, "fresh").read()
