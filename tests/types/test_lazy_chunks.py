"""Stream chunks and ``generateContent`` answers typed on demand behave exactly like eagerly
built responses."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire_strategies import schema_strategy

from genlang_async._core.chunks import lazy_chunk, lazy_response
from genlang_async.types import GenerateContentResponse

# NaN is never equal to itself once copied: leave it out of the equality checks here
chunks = schema_strategy("GenerateContentResponse").filter(lambda w: '"NaN"' not in json.dumps(w))
checks = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@checks
@given(chunks, st.sampled_from([lazy_chunk, lazy_response]))
def test_same_object_as_built_eagerly(wire: dict[str, Any], make: Any) -> None:
    eager = GenerateContentResponse.from_dict(wire)
    lazy = make(wire)
    assert isinstance(lazy, GenerateContentResponse)
    assert lazy.text == eager.text
    assert lazy._wire is wire  # type: ignore[attr-defined]  # .text built nothing
    assert lazy == eager
    assert eager == lazy
    assert (lazy != eager) is False
    assert repr(lazy) == repr(eager)
    assert lazy.to_dict() == wire
    for field in attrs.fields(GenerateContentResponse):
        assert getattr(lazy, field.name) == getattr(eager, field.name)
    assert lazy.parts == eager.parts
    assert lazy.function_calls == eager.function_calls


@checks
@given(chunks, st.text(max_size=8))
def test_copies_and_evolve(wire: dict[str, Any], version: str) -> None:
    eager = GenerateContentResponse.from_dict(wire)
    assert attrs.evolve(lazy_chunk(wire), model_version=version) == attrs.evolve(
        eager, model_version=version
    )
    for clone in (copy.copy(lazy_chunk(wire)), pickle.loads(pickle.dumps(lazy_chunk(wire)))):
        assert clone == eager
        assert clone.text == eager.text


def test_fields_are_built_once_and_can_be_changed() -> None:
    wire = {"candidates": [{"content": {"parts": [{"text": "hi"}], "role": "model"}}]}
    chunk = lazy_chunk(wire)
    first = chunk.candidates
    assert first is chunk.candidates
    chunk.model_version = "v2"
    assert chunk.model_version == "v2"
    assert chunk.to_dict() == {**wire, "modelVersion": "v2"}
    assert chunk.text == "hi"


def test_unknown_attribute_is_an_attribute_error() -> None:
    chunk = lazy_chunk({})
    with pytest.raises(AttributeError, match="no_such_field"):
        chunk.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(chunk, "also_missing")


@pytest.mark.parametrize("make", [lazy_chunk, lazy_response])
def test_a_field_assigned_before_any_is_read_stays(make: Any) -> None:
    wire = {
        "candidates": [{"content": {"parts": [{"text": "hi"}], "role": "model"}}],
        "modelVersion": "m1",
    }
    eager = GenerateContentResponse.from_dict(wire)
    lazy = make(wire)
    eager.model_version = lazy.model_version = "changed"
    assert lazy.usage_metadata == eager.usage_metadata
    assert lazy.model_version == "changed"
    assert lazy.to_dict() == eager.to_dict()
    emptied = make(wire)
    emptied.candidates = []
    assert emptied.text is None
    removed = make(wire)
    del removed.model_version
    with pytest.raises(AttributeError):
        removed.model_version  # noqa: B018
