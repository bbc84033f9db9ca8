"""Integer enums (proto3 JSON): read in any request, written when the client asks for
``$alt=json;enum-encoding=int`` (as Google's generated clients do).

Which fields are enums comes from ``_wire_tables.json`` (generated from the API description by
``tools/codegen/wire_tables.py``). Values without a known number travel as names; an integer
for an enum that has no published numbers at all (batch, document and generated-file states,
thinking and media-resolution levels) cannot be read, and is a 400.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._errors import invalid
from ._wire import keys_as_written


@functools.cache
def _tables() -> dict[str, Any]:
    text = Path(__file__).with_name("_wire_tables.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@functools.cache
def _names(enum: str) -> dict[int, str]:
    return {number: name for name, number in _tables()["enums"].get(enum, {}).items()}


def wants_int_enums(query: Mapping[str, str]) -> bool:
    """``$alt=json;enum-encoding=int`` (or ``alt=``) in the query string."""
    return any("enum-encoding=int" in query.get(key, "") for key in ("$alt", "alt"))


#: Emulator routes that are other spellings of a described method.
_SAME_AS = {
    "files.create": "media.upload",
    "fileSearchStores.uploadToFileSearchStore": "media.uploadToFileSearchStore",
}


def messages(route_name: str) -> tuple[str | None, str | None]:
    """(request message, response message) of an API method id such as
    ``models.generateContent``; ``(None, None)`` for routes outside the API description."""
    if route_name.endswith(".operations.list"):
        route_name = "models.operations.list"
    found = _tables()["methods"].get(_SAME_AS.get(route_name, route_name))
    return (found[0], found[1]) if found else (None, None)


def _walk(value: Any, message: str | None, convert: Callable[[str, Any], Any]) -> Any:
    if isinstance(value, list):
        return [_walk(item, message, convert) for item in value]
    if not isinstance(value, dict):
        return value
    type_url = value.get("@type")
    if isinstance(type_url, str):
        message = type_url.rsplit(".", 1)[-1]
    fields = _tables()["fields"].get(message or "", {})
    out = dict(value)
    for key, item in value.items():
        kind = fields.get(key)
        if kind is None:
            if isinstance(item, dict) and "@type" in item:  # Operation.response / metadata
                out[key] = _walk(item, None, convert)
            continue
        head, _, name = kind.partition(":")
        if head == "ref":
            out[key] = _walk(item, name, convert)
        elif isinstance(item, list):
            out[key] = [convert(name, x) for x in item]
        else:
            out[key] = convert(name, item)
    return out


def _to_name(enum: str, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        if enum not in _tables()["enums"]:
            raise invalid(
                f"Invalid value {value} for enum {enum}: no published proto numbers its values, "
                "so the emulator reads them only by name."
            )
        return _names(enum).get(value, value)
    return value


def _to_number(enum: str, value: Any) -> Any:
    if isinstance(value, str):
        return _tables()["enums"].get(enum, {}).get(value, value)
    return value


@functools.cache
def _enum_keys(message: str) -> re.Pattern[bytes]:
    """Finds, in a JSON text of ``message``, the keys :func:`names_in` looks at the values
    of: the enum fields of ``message`` and of the messages it holds, and ``@type`` (which
    can make a value any message)."""
    fields = _tables()["fields"]
    keys, seen, todo = {"@type"}, {message}, [message]
    while todo:
        for key, kind in fields.get(todo.pop(), {}).items():
            head, _, name = kind.partition(":")
            if head != "ref":
                keys.add(key)
            elif name not in seen:
                seen.add(name)
                todo.append(name)
    return re.compile(b'"(?:%s)"' % b"|".join(re.escape(key.encode()) for key in sorted(keys)))


def names_in(body: Any, message: str | None, raw: bytes | None = None) -> Any:
    """A request body with integer enum values turned into their names.

    ``raw``, the body's JSON text, saves the walk through the body when the text names no
    key that could hold an enum value (see :func:`keys_as_written`)."""
    if not message:
        return body
    if raw is not None and keys_as_written(raw) and not _enum_keys(message).search(raw):
        return body
    return _walk(body, message, _to_name)


def numbers_in(body: Any, message: str | None) -> Any:
    """A response body with enum names turned into their numbers."""
    return _walk(body, message, _to_number) if message else body
