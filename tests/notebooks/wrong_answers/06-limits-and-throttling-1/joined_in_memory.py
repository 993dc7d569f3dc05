# Chunks and reassembles in memory, without publishing the chunks or reading them back.
my_payload = next(iter(reassemble(chunk(payload, size=512 * 1024)).values()))
