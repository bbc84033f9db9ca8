"""Property: ``T.from_dict(x).to_dict() == x`` for valid wire JSON of every generated class."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire_strategies import SCHEMAS, schema_strategy

import genlang_async.types as T


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_roundtrip(name: str) -> None:
    cls = getattr(T, name)

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        wire = data.draw(schema_strategy(name))
        obj = cls.from_dict(wire)
        out = obj.to_dict()
        assert out == wire
        assert json.loads(json.dumps(out)) == json.loads(json.dumps(wire))
        assert cls.from_dict(out).to_dict() == out  # (``==`` on objects: NaN != NaN)

    check()
