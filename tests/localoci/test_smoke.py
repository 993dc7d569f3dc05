"""The stand-in's basic contract through the official SDK: publish, then read back -- against
the real ``python -m localoci serve`` process (the other tests here serve in-process)."""

import base64

import oci


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_published_messages_read_back_in_order_with_utf8_intact(localoci_process, make_stream):
    stream = make_stream(partitions=1, server=localoci_process)
    client = localoci_process.stream_client()
    entries = [
        oci.streaming.models.PutMessagesDetailsEntry(key=b64("k"), value=b64(f"héllo {i}"))
        for i in range(3)
    ]
    result = client.put_messages(
        stream.id, oci.streaming.models.PutMessagesDetails(messages=entries)
    ).data
    assert result.failures == 0
    assert [e.offset for e in result.entries] == [0, 1, 2]
    cursor = client.create_cursor(
        stream.id, oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON")
    ).data.value
    got = client.get_messages(stream.id, cursor, limit=10)
    assert [base64.b64decode(m.value).decode() for m in got.data] == [
        "héllo 0",
        "héllo 1",
        "héllo 2",
    ]
    assert all(m.stream == stream.name for m in got.data)
    assert got.headers["opc-next-cursor"]
