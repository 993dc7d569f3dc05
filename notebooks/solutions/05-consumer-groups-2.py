worker = GroupInstance(client, stream, ex2_group, "me", commit_on_get=False, limit=50)
my_batch_2 = worker.read()
worker.commit()
