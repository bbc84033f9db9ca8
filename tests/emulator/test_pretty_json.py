"""The emulator's pretty JSON writer is ``json.dumps(value, indent=2)``, byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async.emulator._pretty import pretty_json

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
long_flat = st.lists(scalars, min_size=30, max_size=80)
values: Any = st.recursive(
    scalars | long_flat,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=80, deadline=None)
@given(value=values)
def test_same_text_as_the_standard_encoder(value: Any) -> None:
    assert pretty_json(value) == json.dumps(value, indent=2)


def test_an_embedding_response() -> None:
    body = {"embeddings": [{"values": [0.0, -0.25, 3, 1e-9] * 192}] * 2}
    assert pretty_json(body) == json.dumps(body, indent=2)
