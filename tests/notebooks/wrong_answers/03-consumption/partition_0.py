# The lesson's loop, unchanged: it counts partition 0, not partition 1.
from labhelpers import create_cursor

cursor = create_cursor(client, stream.id, "0", "TRIM_HORIZON")
my_count = 0
while True:
    response = client.get_messages(stream.id, cursor, limit=1000)
    cursor = response.headers["opc-next-cursor"]
    if not response.data:
        break
    my_count += len(response.data)
    time.sleep(0.2)
