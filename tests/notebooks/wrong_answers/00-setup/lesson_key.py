# Reuses the lesson's key "hello": the lesson produced it, nothing new was produced.
my_key = "hello"
