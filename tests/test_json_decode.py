"""``_core.json_decode.loads`` is ``json.loads``: the same values and the same errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genlang_async._core.json_decode import loads

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
whitespace = st.text(alphabet=" \t\n\r\x0b\x0c\u2028\xa0", max_size=3)


def outcome(call: Any, data: bytes | str) -> tuple[str, Any]:
    try:
        return "value", call(data)
    except json.JSONDecodeError as exc:
        return "error", (exc.msg, exc.pos)
    except (ValueError, TypeError) as exc:  # encoding errors of json.loads itself
        return "error", type(exc).__name__


@given(json_values, whitespace, whitespace, st.booleans(), st.booleans())
def test_valid_json_in_any_spelling(
    value: Any, before: str, after: str, ascii_only: bool, as_bytes: bool
) -> None:
    text = before + json.dumps(value, ensure_ascii=ascii_only) + after
    data: bytes | str = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert outcome(loads, data) == outcome(json.loads, data)


@given(st.text(max_size=40) | st.binary(max_size=40).map(bytes))
def test_anything_else(data: bytes | str) -> None:
    assert outcome(loads, data) == outcome(json.loads, data)


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte order mark
        '{"a": 1}'.encode("utf-16"),
        '{"a": 1}'.encode("utf-16-le"),
        '{"a": 1}'.encode("utf-32"),
        b"12".decode().encode("utf-16-le"),
        b'{"a": 1} x',
        b'{"a": 1}\x0b',  # not JSON whitespace
        b'{"a": NaN, "b": -Infinity}',
        b"",
        b"   ",
        '{"a": "\\ud800"}',
    ],
)
def test_edge_cases(data: bytes | str) -> None:
    assert repr(outcome(loads, data)) == repr(outcome(json.loads, data))


@pytest.mark.parametrize("data", [memoryview(b"{}"), None, 42])
def test_what_is_not_json_text_is_the_same_type_error(data: Any) -> None:
    with pytest.raises(TypeError) as ours:
        loads(data)
    with pytest.raises(TypeError) as theirs:
        json.loads(data)
    assert str(ours.value) == str(theirs.value)
