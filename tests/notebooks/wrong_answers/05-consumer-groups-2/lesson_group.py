# Reuses the lesson's group (`manual`): its commit says nothing about `ex2_group`.
my_batch_2 = manual.read()
manual.commit()
