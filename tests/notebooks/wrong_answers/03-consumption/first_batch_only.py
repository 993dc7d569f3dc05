# Reads one small batch and stops: it never follows opc-next-cursor to the end.
from labhelpers import create_cursor

cursor = create_cursor(client, stream.id, "1", "TRIM_HORIZON")
my_count = len(client.get_messages(stream.id, cursor, limit=50).data)
