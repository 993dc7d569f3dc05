# Moves the group to TRIM_HORIZON instead of LATEST: the new instance reads the backlog again.
client.update_group(
    stream.id, backlog_group, oci.streaming.models.UpdateGroupDetails(type="TRIM_HORIZON")
)
my_batch_1 = GroupInstance(client, stream, backlog_group, "fresh").read()
