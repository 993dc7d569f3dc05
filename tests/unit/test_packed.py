"""The packed batch format: what goes in comes out, field by field, for any run of messages,
reading only that run's bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localoci.store.packed import CorruptBatch, pack, read_view, unpack

maybe_bytes = st.one_of(st.none(), st.binary(max_size=64))
header = st.tuples(st.text(max_size=8), maybe_bytes)


@given(
    st.lists(
        st.tuples(
            maybe_bytes, maybe_bytes, st.integers(-(2**40), 2**40), st.lists(header, max_size=3)
        ),
        min_size=1,
        max_size=40,
    ),
    st.data(),
)
def test_every_field_round_trips_for_any_run_of_messages(messages, data):
    keys = [m[0] for m in messages]
    values = [m[1] for m in messages]
    times = [m[2] for m in messages]
    headers = [m[3] for m in messages]
    blob = pack(keys, values, times, headers)
    start = data.draw(st.integers(0, len(messages)))
    stop = data.draw(st.integers(start, len(messages)))
    reads = []

    def read_at(at: int, n: int) -> bytes:
        reads.append((at, n))
        return blob[at : at + n]

    view = read_view(read_at, start, stop)
    assert view.count == stop - start
    assert view.keys() == keys[start:stop]
    assert view.values() == values[start:stop]
    assert view.create_times() == times[start:stop]
    assert view.headers() == [list(h) for h in headers[start:stop]]
    assert view.sizes() == [
        len(k or b"") + len(v or b"")
        for k, v in zip(keys[start:stop], values[start:stop], strict=True)
    ]
    # the data read is that run's data, no more
    data_read = reads[-1][1]
    whole = unpack(blob)
    assert whole.values() == values
    assert data_read == len(view.data) <= len(whole.data)


def test_rest_batches_carry_no_kafka_fields():
    view = unpack(pack([None, b"k"], [b"a", b"b"]))
    assert view.create_times() is None
    assert view.headers() == [[], []]


def test_an_empty_key_is_not_a_missing_key():
    assert unpack(pack([b"", None], [b"x", b"y"])).keys() == [b"", None]


@pytest.mark.parametrize(
    "damage", [lambda b: b[:5], lambda b: b[:-1], lambda b: b + b"x", lambda b: b"\x09" + b[1:]]
)
def test_damaged_bytes_are_refused_not_misread(damage):
    with pytest.raises(CorruptBatch):
        unpack(damage(pack([b"key"], [b"value"])))


def test_mismatched_keys_and_values_are_a_programming_error():
    with pytest.raises(ValueError):
        pack([b"k"], [b"a", b"b"])
