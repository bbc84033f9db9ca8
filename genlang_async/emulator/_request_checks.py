"""Request-body checks the live API makes before any method runs: field types, function
names, ``responseSchema`` and ``$ref`` in JSON schemas. Each failure is a 400 naming the
field by its proto path (``contents[0].parts[0].text``)."""

from __future__ import annotations

import functools
import json
import re
from typing import Any, TypeAlias

from ._errors import invalid
from ._wire import NAMED_MAPS, OPAQUE_FIELDS

_STRING_FIELDS = frozenset(
    {"text", "displayName", "mimeType", "role", "name", "fileUri", "title", "description"}
)
_NUMBER_FIELDS = {
    "temperature": "TYPE_FLOAT",
    "topP": "TYPE_FLOAT",
    "presencePenalty": "TYPE_FLOAT",
    "frequencyPenalty": "TYPE_FLOAT",
    "topK": "TYPE_INT32",
    "candidateCount": "TYPE_INT32",
    "maxOutputTokens": "TYPE_INT32",
    "seed": "TYPE_INT32",
    "outputDimensionality": "TYPE_INT32",
    "thinkingBudget": "TYPE_INT32",
}
_SCHEMA_TYPES = frozenset(
    {"TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"}
)
_SCHEMAS = ("responseSchema", "parameters")
_SUBSCHEMAS = ("items", "properties", "anyOf")
_JSON_SCHEMAS = ("responseJsonSchema", "parametersJsonSchema", "_responseJsonSchema")
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")
_FUNCTION_NAME_RULE = (
    "Invalid function name. Must start with a letter or an underscore. Must be alphameric "
    "(a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum "
    "length of 64."
)


_UPPER = re.compile(r"(?<!^)([A-Z])")


@functools.lru_cache(maxsize=1024)
def _snake(name: str) -> str:
    """A JSON field name as the proto names it (``mimeType`` -> ``mime_type``): the same few
    names come in every request, so each is worked out once."""
    return _UPPER.sub(r"_\1", name).lower()


def _join(path: str, key: str) -> str:
    return f"{path}.{_snake(key)}" if path else _snake(key)


#: Where a value sits in a request: a path written out, or the place it extends and the field
#: name (str) or item position (int) added to it. Built as the walk goes down; written out
#: (by :func:`_text`) only for an error or a schema.
_Where: TypeAlias = "str | tuple[_Where, str | int]"


def _text(where: _Where) -> str:
    """The proto path of ``where``: ``contents[0].parts[0].text``."""
    if isinstance(where, str):
        return where
    parent, step = where
    if isinstance(step, int):
        return f"{_text(parent)}[{step}]"
    return _join(_text(parent), step)


def _bad_value(path: str, kind: str, value: Any) -> Exception:
    return invalid(f"Invalid value at '{path}' ({kind}), {json.dumps(value)}")


def _number_ok(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "TYPE_INT32":
        if isinstance(value, str):
            return re.fullmatch(r"-?\d+", value) is not None
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, (int, float))


#: The keys :func:`check_request` does more with than walk into their values.
_CHECKED_KEYS = (
    _STRING_FIELDS
    | _NUMBER_FIELDS.keys()
    | set(_SCHEMAS)
    | set(_JSON_SCHEMAS)
    | OPAQUE_FIELDS
    | NAMED_MAPS
    | {"functionDeclarations"}
)


def check_request(body: Any, path: _Where = "") -> None:
    """Raise a 400 ``ApiError`` for the first field the live API would reject."""
    if isinstance(body, list):
        for index, item in enumerate(body):
            if isinstance(item, (dict, list)):
                check_request(item, (path, index))
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        if key not in _CHECKED_KEYS:
            if isinstance(value, (dict, list)):  # nothing to check in other values
                check_request(value, (path, key))
        elif key in _JSON_SCHEMAS:
            check_refs(value, _text((path, key)))
        elif key in OPAQUE_FIELDS:
            continue
        elif key in _SCHEMAS:
            check_schema(value, _text((path, key)))
        elif key in NAMED_MAPS and isinstance(value, dict):
            where = _text((path, key))
            for name, item in value.items():
                check_request(item, f'{where}["{name}"]')
        elif key == "functionDeclarations" and isinstance(value, list):
            where = _text((path, key))
            check_request(value, where)
            for index, declaration in enumerate(value):
                name = declaration.get("name") if isinstance(declaration, dict) else None
                if not isinstance(name, str) or _FUNCTION_NAME.fullmatch(name) is None:
                    raise invalid(f"* {where}[{index}].name: {_FUNCTION_NAME_RULE}")
        elif key in _STRING_FIELDS and not isinstance(value, str):
            raise _bad_value(_text((path, key)), "TYPE_STRING", value)
        elif key in _NUMBER_FIELDS and not _number_ok(value, _NUMBER_FIELDS[key]):
            raise _bad_value(_text((path, key)), _NUMBER_FIELDS[key], value)
        elif isinstance(value, (dict, list)):  # nothing to check in other values
            check_request(value, (path, key))


def check_schema(schema: Any, path: str) -> None:
    """A Gemini ``Schema``: an object whose ``type`` is a ``Type`` name, with sub-schemas."""
    if not isinstance(schema, dict):
        raise _bad_value(
            path, "type.googleapis.com/google.ai.generativelanguage.v1beta.Schema", schema
        )
    kind = schema.get("type")
    if kind is not None and (not isinstance(kind, str) or kind.upper() not in _SCHEMA_TYPES):
        raise _bad_value(
            f"{path}.type", "type.googleapis.com/google.ai.generativelanguage.v1beta.Type", kind
        )
    if "items" in schema:
        check_schema(schema["items"], f"{path}.items")
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise _bad_value(f"{path}.properties", "map<string, Schema>", properties)
    for name, sub in properties.items():
        check_schema(sub, f'{path}.properties["{name}"]')
    check_request({k: v for k, v in schema.items() if k not in _SUBSCHEMAS}, path)
    any_of = schema.get("anyOf", [])
    if not isinstance(any_of, list):
        raise _bad_value(f"{path}.any_of", "list<Schema>", any_of)
    for index, sub in enumerate(any_of):
        check_schema(sub, f"{path}.any_of[{index}]")


def _pointer(root: Any, ref: str) -> Any:
    """The node a local ``$ref`` (``#``, ``#/$defs/A``) points at; ``KeyError`` if none."""
    node = root
    for piece in ref[2:].split("/") if ref != "#" else ():
        piece = piece.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and piece in node:
            node = node[piece]
        elif isinstance(node, list) and piece.isdigit() and int(piece) < len(node):
            node = node[int(piece)]
        else:
            raise KeyError(ref)
    return node


def check_refs(schema: Any, path: str) -> None:
    """A JSON schema's local ``$ref``s must resolve, and never only to themselves (an
    alias cycle such as ``{"$ref": "#"}`` describes no value)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend(node.values())
        seen: list[int] = []
        target = node
        while isinstance(target, dict) and isinstance(target.get("$ref"), str):
            ref = target["$ref"]
            if not ref.startswith("#"):
                break  # a remote reference: not resolved here
            if id(target) in seen:
                raise invalid(f"Invalid JSON schema at '{path}': $ref {ref!r} refers to itself.")
            seen.append(id(target))
            try:
                target = _pointer(schema, ref)
            except KeyError:
                raise invalid(
                    f"Invalid JSON schema at '{path}': $ref {ref!r} does not resolve."
                ) from None
