# Reads back the lesson's chunks (published before the exercise, key "big-payload"): not the payload.
my_payload = next(iter(payloads.values()))
