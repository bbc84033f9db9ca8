"""Decoding JSON response bodies and event payloads.

:func:`loads` gives what ``json.loads`` gives (the same value, or the same
``json.JSONDecodeError``), faster for the common case: it calls the standard library's C
scanner once and checks that only JSON whitespace follows, skipping ``json.loads``'s
wrappers (encoding detection, two regular-expression matches), which cost about as much as
scanning a small chunk. Anything unusual (leading whitespace, a byte order mark, UTF-16,
malformed text) goes through ``json.loads`` itself, so errors and edge cases are exactly
the standard library's.
"""

from __future__ import annotations

import json
from json.scanner import make_scanner
from typing import Any

__all__ = ["loads"]

_scan_once = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed: the class
_JSON_WHITESPACE = " \t\n\r"


def loads(data: bytes | bytearray | str | Any) -> Any:
    """``json.loads(data)``: the same result and the same errors."""
    if isinstance(data, str):
        text = data
    elif isinstance(data, (bytes, bytearray)):
        try:
            text = data.decode()
        except UnicodeDecodeError:
            return json.loads(data)
    else:
        return json.loads(data)  # not JSON text at all: json.loads says so
    try:
        value, end = _scan_once(text, 0)
    except (StopIteration, ValueError):  # no value at the very start, or malformed
        return json.loads(data)
    if end != len(text) and text[end:].strip(_JSON_WHITESPACE):
        return json.loads(data)  # text after the value: json.loads says where
    return value
