# Publishes only two messages per key, not three.
my_keys = ["alpha", "beta"]
publish(client, stream.id, [(key, f"{key} message {i}") for key in my_keys for i in range(2)])
