"""GetMessages writes its JSON by hand for speed; it must be exactly the JSON of the model."""

import json

from hypothesis import given
from hypothesis import strategies as st

from localoci.ops.get_messages import MessageBatch
from localoci.store import Slice
from localoci.store.packed import pack, read_view


@st.composite
def slices(draw):
    """One partition's slice of a stored batch: any keys and values, any start and stop."""
    pairs = draw(
        st.lists(
            st.tuples(st.none() | st.binary(max_size=256), st.binary(max_size=2048)),
            min_size=1,
            max_size=12,
        )
    )
    blob = pack([k for k, _ in pairs], [v for _, v in pairs])
    start = draw(st.integers(0, len(pairs) - 1))
    stop = draw(st.integers(start + 1, len(pairs)))
    view = read_view(lambda at, n: blob[at : at + n], start, stop)
    sl = Slice(draw(st.integers(0, 2**53)), draw(st.integers(0, 4_000_000_000_000)), view)
    return draw(st.integers(0, 199)), sl


@given(name=st.text(min_size=1, max_size=40), parts=st.lists(slices(), max_size=6))
def test_hand_written_json_equals_the_models_wire_shape(name, parts):
    b = MessageBatch(name, parts)
    assert json.loads(b.to_json()) == b.to_wire()


def test_an_empty_batch_is_an_empty_array():
    assert MessageBatch("s", []).to_json() == b"[]"
