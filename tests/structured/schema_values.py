"""Hypothesis strategies: JSON values that satisfy a JSON Schema (the subset ``json_schema``
writes), and random attrs classes to build schemas from."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import keyword
from typing import Any, Literal

import attrs
from hypothesis import strategies as st

_UTC = dt.timezone.utc
_names = itertools.count()


def _datetime_text(value: dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date-time": st.datetimes(timezones=st.just(_UTC)).map(_datetime_text),
    "date": st.dates().map(dt.date.isoformat),
    "uuid": st.uuids().map(str),
}
_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text(max_size=12),
    "integer": st.integers(-(2**53), 2**53),
    "number": st.floats(allow_nan=False, allow_infinity=False),
    "boolean": st.booleans(),
    "null": st.none(),
}


def from_schema(
    schema: dict[str, Any], *, all_properties: bool = False, root: dict[str, Any] | None = None
) -> st.SearchStrategy[Any]:
    """JSON values valid for ``schema``; ``all_properties``: optional members always present."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].rpartition("/")[2]
        return st.deferred(
            lambda: from_schema(root["$defs"][name], all_properties=all_properties, root=root)
        )

    def sub(s: dict[str, Any]) -> st.SearchStrategy[Any]:
        return from_schema(s, all_properties=all_properties, root=root)

    if "anyOf" in schema:
        return st.one_of([sub(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string" and "format" in schema:
        return _FORMATS[schema["format"]]
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "array":
        if "prefixItems" in schema:
            return st.tuples(*(sub(s) for s in schema["prefixItems"])).map(list)
        return st.lists(sub(schema["items"]), max_size=3)
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", ()))
        properties = schema["properties"]
        fixed = {k: sub(v) for k, v in properties.items() if k in required or all_properties}
        optional = {k: sub(v) for k, v in properties.items() if k not in fixed}
        return st.fixed_dictionaries(fixed, optional=optional)
    if kind == "object":
        return st.dictionaries(st.text(max_size=5), sub(schema["additionalProperties"]), max_size=3)
    assert schema == {}, schema
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=5,
    )


def _enum() -> type[enum.Enum]:
    return enum.Enum(f"Choice{next(_names)}", {"A": "a", "B": "b", "C": "c"})  # type: ignore[return-value]


_LEAVES: st.SearchStrategy[Any] = st.sampled_from(
    [str, int, float, bool, dt.datetime, dt.date, Literal["x", "y"], Literal[1, 2]]
) | st.builds(_enum)


def _field_names() -> st.SearchStrategy[list[str]]:
    name = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
        lambda n: not keyword.iskeyword(n)
    )
    return st.lists(name, min_size=1, max_size=4, unique=True)


def _class(fields: st.SearchStrategy[Any]) -> st.SearchStrategy[type[Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> type[Any]:
        names = draw(_field_names())
        members = {}
        for name in names:
            tp = draw(fields)
            if draw(st.booleans()):
                members[name] = attrs.field(type=tp | None, default=None)
            else:
                members[name] = attrs.field(type=tp)
        # Fields without a default first, as attrs requires.
        ordered = dict(sorted(members.items(), key=lambda kv: kv[1]._default is not attrs.NOTHING))
        return attrs.make_class(f"Generated{next(_names)}", ordered)

    return build()


def _types(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        inner.map(lambda t: list[t]),  # type: ignore[valid-type]
        inner.map(lambda t: dict[str, t]),  # type: ignore[valid-type]
        inner.map(lambda t: t | None),
        st.tuples(inner, inner).map(lambda ts: tuple[ts[0], ts[1]]),  # type: ignore[misc]
        _class(inner),
    )


#: Random attrs classes whose fields mix every supported kind of type, nested.
attrs_classes: st.SearchStrategy[type[Any]] = _class(st.recursive(_LEAVES, _types, max_leaves=6))
