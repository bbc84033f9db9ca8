"""Checks JSON bodies against the schemas of the API spec files (copied into
tests/fixtures/spec)."""

from __future__ import annotations

import base64
import functools
import json
import re
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "spec"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")


@functools.cache
def _openapi() -> dict[str, Any]:
    path = SPEC_DIR / "openapi-v1beta-rev20251218.json"
    return json.loads(path.read_text())["components"]["schemas"]  # type: ignore[no-any-return]


@functools.cache
def _discovery() -> dict[str, Any]:
    path = SPEC_DIR / "discovery-v1beta-rev20240713.json"
    return json.loads(path.read_text())["schemas"]  # type: ignore[no-any-return]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _properties(schema: dict[str, Any], schemas: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(properties, open) of an object schema, merging ``allOf``."""
    props = dict(schema.get("properties", {}))
    is_open = "additionalProperties" in schema
    for part in schema.get("allOf", []):
        if "$ref" in part:
            sub_props, sub_open = _properties(schemas[_ref_name(part["$ref"])], schemas)
        else:
            sub_props, sub_open = _properties(part, schemas)
        props.update(sub_props)
        is_open = is_open or sub_open
    return props, is_open


def _check(value: Any, schema: dict[str, Any], schemas: dict[str, Any], where: str) -> None:
    if "$ref" in schema:
        _check(value, schemas[_ref_name(schema["$ref"])], schemas, where)
        return
    plain_all_of = "properties" not in schema and "type" not in schema
    if plain_all_of and len(schema.get("allOf", [])) == 1:
        _check(value, schema["allOf"][0], schemas, where)
        return
    kind = schema.get("type")
    fmt = schema.get("format", "")
    if kind == "object" or "properties" in schema or "allOf" in schema:
        assert isinstance(value, dict), f"{where}: expected object, got {value!r:.80}"
        props, is_open = _properties(schema, schemas)
        if not props and (is_open or not schema.get("properties")):
            return
        for key, item in value.items():
            if key == "@type":
                continue
            if key not in props:
                assert is_open, f"{where}: unexpected field {key!r}"
                continue
            _check(item, props[key], schemas, f"{where}.{key}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: expected array, got {value!r:.80}"
        for index, item in enumerate(value):
            _check(item, schema.get("items", {}), schemas, f"{where}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected string, got {value!r:.80}"
        if fmt in ("int64", "uint64"):
            assert re.fullmatch(r"-?\d+", value), f"{where}: int64 string expected"
        elif fmt in ("date-time", "google-datetime"):
            assert _RFC3339.match(value), f"{where}: RFC 3339 Z timestamp expected: {value}"
        elif fmt in ("google-duration",):
            assert _DURATION.match(value), f"{where}: duration expected: {value}"
        elif fmt == "byte":
            base64.b64decode(value, validate=False)
        if "enum" in schema:
            assert value in schema["enum"], f"{where}: {value!r} not in enum"
    elif kind == "integer":
        assert isinstance(value, int), f"{where}: int expected"
        assert not isinstance(value, bool), f"{where}: int expected"
    elif kind == "number":
        assert isinstance(value, (int, float)), f"{where}: number expected"
        assert not isinstance(value, bool), f"{where}: number expected"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: boolean expected"


def check(body: Any, name: str, *, spec: str = "openapi") -> None:
    """Assert ``body`` fits schema ``name`` (field names, types, int64 strings, enums)."""
    schemas = _openapi() if spec == "openapi" else _discovery()
    _check(body, schemas[name], schemas, name)


def check_discovery(body: Any, name: str) -> None:
    schemas = _discovery()
    # Discovery refs are bare names ("$ref": "Chunk").
    wrapped = {k: _convert(v) for k, v in schemas.items()}
    _check(body, wrapped[name], wrapped, name)


def _convert(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _convert(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_convert(v) for v in schema]
    return schema
