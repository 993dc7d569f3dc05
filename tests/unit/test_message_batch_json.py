"""GetMessages writes its JSON by hand for speed; it must be exactly the JSON of the model."""

import json

from hypothesis import given
from hypothesis import strategies as st

from localoci.ops.get_messages import MessageBatch
from localoci.store import StoredMessage

messages = st.builds(
    StoredMessage,
    partition=st.integers(0, 199),
    offset=st.integers(0, 2**53),
    ts=st.integers(0, 4_000_000_000_000),
    key=st.none() | st.binary(max_size=256),
    value=st.binary(max_size=2048),
)


@given(name=st.text(min_size=1, max_size=40), batch=st.lists(messages, max_size=20))
def test_hand_written_json_equals_the_models_wire_shape(name, batch):
    b = MessageBatch(name, batch)
    assert json.loads(b.to_json()) == b.to_wire()


def test_an_empty_batch_is_an_empty_array():
    assert MessageBatch("s", []).to_json() == b"[]"
