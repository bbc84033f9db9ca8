"""The incremental JSON parser (``_core.partial_json``): any split gives the same value, and
every value seen on the way is a prefix of the final one."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async._core.partial_json import PartialJSONError, PartialJSONParser

_KEY = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEY, inner, max_size=4),
    max_leaves=20,
)
#: Escapes of every kind, so splits fall inside them.
TRICKY = st.sampled_from(['"\\\\"', '"\\""', '"\\u00e9\\ud83d\\ude00"', '"a\\nb\\/"', "-0.5e-3"])


def _text(value: Any, ascii_only: bool, indent: int | None) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, indent=indent)


def _is_prefix(seen: Any, final: Any) -> bool:
    """Whether ``seen`` is ``final`` with some members / trailing items left out."""
    if isinstance(final, dict):
        return isinstance(seen, dict) and all(
            k in final and _is_prefix(v, final[k]) for k, v in seen.items()
        )
    if isinstance(final, list):
        return (
            isinstance(seen, list)
            and len(seen) <= len(final)
            and all(_is_prefix(s, f) for s, f in zip(seen, final, strict=False))
        )
    return seen == final and type(seen) is type(final)


def _feed(text: str, cuts: list[int]) -> tuple[PartialJSONParser, list[Any]]:
    parser = PartialJSONParser()
    seen = []
    start = 0
    for cut in [*sorted(set(cuts)), len(text)]:
        if parser.feed(text[start:cut]):
            seen.append(copy.deepcopy(parser.value))
        start = cut
    return parser, seen


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        JSON, st.lists(TRICKY, min_size=1).map(lambda t: json.loads(f"[{','.join(t)}]"))
    ),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 1]),
    data=st.data(),
)
def test_any_split_gives_the_value_and_prefixes_on_the_way(
    value: Any, ascii_only: bool, indent: int | None, data: st.DataObject
) -> None:
    text = _text(value, ascii_only, indent)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=40))
    parser, seen = _feed(text, cuts)
    assert parser.close() == value
    for snapshot in seen:
        assert _is_prefix(snapshot, value)


@settings(max_examples=100, deadline=None)
@given(value=JSON)
def test_one_character_at_a_time(value: Any) -> None:
    text = json.dumps(value)
    parser, seen = _feed(text, list(range(len(text))))
    assert parser.close() == value
    if isinstance(value, (dict, list)):
        assert seen[0] in ({}, [])  # the top-level container shows as soon as it opens


def test_incomplete_tail_is_left_out() -> None:
    parser = PartialJSONParser()
    steps = [
        ('{"name": "Ad', {}),
        ('a", "age": 3', {"name": "Ada"}),
        ('6, "tags": ["x", "y', {"name": "Ada", "age": 36}),
        ('"], "ok": tr', {"name": "Ada", "age": 36, "tags": ["x", "y"]}),
        ("ue}", {"name": "Ada", "age": 36, "tags": ["x", "y"], "ok": True}),
    ]
    for piece, expected in steps:
        parser.feed(piece)
        assert parser.value == expected
    assert parser.close() == expected


def test_large_inner_containers_fill_as_they_come() -> None:
    items = [{"n": i, "text": "x" * 100} for i in range(100)]
    text = json.dumps({"items": items})
    parser = PartialJSONParser()
    parser.feed(text[: len(text) // 2])
    shown = parser.value["items"]
    assert 0 < len(shown) < 100
    assert shown == items[: len(shown)]


def test_value_grows_in_place() -> None:
    parser = PartialJSONParser()
    parser.feed("[1, ")
    first = parser.value
    parser.feed("2]")
    assert first is parser.value == [1, 2]


@pytest.mark.parametrize(
    ("pieces", "message"),
    [
        (['{"a" 1}'], "expected ':'"),
        (["[1 2]"], "expected ','"),
        (["{1: 2}"], "expected an object key"),
        (["[1, nope]"], "not a JSON value"),
        (["{} x"], "unexpected text after the JSON value"),
        (["[1, 2"], "ended before its value was complete"),
        (['{"a": "unfinished'], "ended before its value was complete"),
        (["[1, {", '"a": 1'], "ended before its value was complete"),
        (["1.", ""], "unexpected text after the JSON value"),
    ],
)
def test_not_json(pieces: list[str], message: str) -> None:
    def parse() -> None:
        parser = PartialJSONParser()
        for piece in pieces:
            parser.feed(piece)
        parser.close()

    with pytest.raises(PartialJSONError, match=message):
        parse()
