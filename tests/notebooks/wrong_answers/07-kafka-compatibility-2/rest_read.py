# Reads the batch with GetMessages instead of a Kafka consumer group: the group commits nothing.
from labhelpers.marks import messages_since

my_values = [m.value for m in messages_since(client, stream, before_1) if m.value in ex2_sent]
