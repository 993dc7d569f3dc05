# Skips UpdateGroup: a new instance of the group resumes from the committed offsets and gets the backlog.
my_batch_1 = GroupInstance(client, stream, backlog_group, "fresh").read()
