# Hands in the original bytes: nothing was chunked, published or read back.
my_payload = payload
