"""The packed batch format: what goes in comes out, field by field, from any start."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localoci.store.packed import CorruptBatch, pack, unpack

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
def test_every_field_round_trips_from_any_start(messages, data):
    keys = [m[0] for m in messages]
    values = [m[1] for m in messages]
    times = [m[2] for m in messages]
    headers = [m[3] for m in messages]
    batch = unpack(pack(keys, values, times, headers))
    start = data.draw(st.integers(0, len(messages)))
    assert batch.count == len(messages)
    assert batch.keys(start) == keys[start:]
    assert batch.values(start) == values[start:]
    assert batch.create_times(start) == times[start:]
    assert batch.headers(start) == [[(k, v) for k, v in h] for h in headers[start:]]
    assert batch.sizes(start) == [
        len(k or b"") + len(v or b"") for k, v in zip(keys[start:], values[start:], strict=True)
    ]


def test_rest_batches_carry_no_kafka_fields():
    batch = unpack(pack([None, b"k"], [b"a", b"b"]))
    assert batch.create_times() is None
    assert batch.headers() == [[], []]


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
