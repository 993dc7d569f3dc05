# Moves and reads the lesson's group (`crash`) instead of `backlog_group`, which keeps its backlog.
client.update_group(stream.id, crash, oci.streaming.models.UpdateGroupDetails(type="LATEST"))
my_batch_1 = GroupInstance(client, stream, crash, "fresh").read()
