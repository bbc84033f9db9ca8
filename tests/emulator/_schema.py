"""Checks JSON bodies against the message schemas of the repo's own API description
(``tools/codegen/api/v1beta.json``): field names, wire types (int64 as strings, RFC 3339
timestamps, durations, base64 bytes) and enum values."""

from __future__ import annotations

import base64
import functools
import json
import re
from pathlib import Path
from typing import Any

API_FILE = Path(__file__).resolve().parents[2] / "tools" / "codegen" / "api" / "v1beta.json"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")


@functools.cache
def api() -> dict[str, Any]:
    """The API description: ``schemas``, ``enums``, ``methods``."""
    data: dict[str, Any] = json.loads(API_FILE.read_text())
    return data


def _check_value(value: Any, kind: dict[str, Any], where: str) -> None:
    name = kind["type"]
    if name in ("string", "fieldmask"):
        assert isinstance(value, str), f"{where}: expected string, got {value!r:.80}"
    elif name == "int64":
        assert isinstance(value, str), f"{where}: int64 string expected, got {value!r:.80}"
        assert re.fullmatch(r"-?\d+", value), f"{where}: int64 string expected"
    elif name == "int32":
        assert isinstance(value, int), f"{where}: int expected"
        assert not isinstance(value, bool), f"{where}: int expected"
    elif name == "number":
        assert isinstance(value, (int, float)), f"{where}: number expected"
        assert not isinstance(value, bool), f"{where}: number expected"
    elif name == "bool":
        assert isinstance(value, bool), f"{where}: boolean expected"
    elif name == "bytes":
        assert isinstance(value, str), f"{where}: base64 string expected"
        base64.b64decode(value, validate=False)
    elif name == "timestamp":
        assert isinstance(value, str), f"{where}: timestamp string expected"
        assert _RFC3339.match(value), f"{where}: RFC 3339 Z timestamp expected: {value}"
    elif name == "duration":
        assert isinstance(value, str), f"{where}: duration string expected"
        assert _DURATION.match(value), f"{where}: duration expected: {value}"
    elif name == "struct":
        assert isinstance(value, dict), f"{where}: expected object, got {value!r:.80}"
    elif name == "enum":
        allowed = api()["enums"][kind["enum"]]["values"]
        assert value in allowed, f"{where}: {value!r} not in enum {kind['enum']}"
    elif name == "ref":
        _check_message(value, kind["ref"], where)
    elif name == "array":
        assert isinstance(value, list), f"{where}: expected array, got {value!r:.80}"
        for index, item in enumerate(value):
            _check_value(item, kind["items"], f"{where}[{index}]")
    elif name == "map":
        assert isinstance(value, dict), f"{where}: expected object, got {value!r:.80}"
        for key, item in value.items():
            _check_value(item, kind["values"], f"{where}[{key!r}]")
    # "json": any JSON value


def _check_message(value: Any, name: str, where: str) -> None:
    assert isinstance(value, dict), f"{where}: expected object, got {value!r:.80}"
    fields = {field["name"]: field for field in api()["schemas"][name]["fields"]}
    for key, item in value.items():
        if key == "@type":
            continue
        assert key in fields, f"{where}: unexpected field {key!r}"
        _check_value(item, fields[key], f"{where}.{key}")


def check(body: Any, name: str) -> None:
    """Assert ``body`` fits message ``name`` of the API description."""
    _check_message(body, name, name)
