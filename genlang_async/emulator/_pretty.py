"""``json.dumps(value, indent=2)``, byte for byte, but fast for long flat arrays.

The live API pretty-prints its JSON; so does the emulator. The standard library's indenting
encoder is pure Python, and an embedding of 768 numbers (one per line) costs it most of a
millisecond. Here such arrays (of numbers, strings, booleans, nulls) are taken out, the rest
is encoded as usual, and each array is written back by the C encoder, whose item separator
is given the line break and indentation.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

__all__ = ["pretty_json"]

_MIN_ARRAY = 32  # shorter arrays are left to the standard encoder


_SCALARS = frozenset({int, float, str, bool, type(None)})


def _flat(value: list[Any]) -> bool:
    return len(value) >= _MIN_ARRAY and set(map(type, value)) <= _SCALARS


def _lift(value: Any, mark: str, arrays: list[list[Any]]) -> Any:
    """``value`` with each long flat array replaced by the string ``mark``."""
    if isinstance(value, dict):
        return {k: _lift(v, mark, arrays) for k, v in value.items()}
    if isinstance(value, list):
        if _flat(value):
            arrays.append(value)
            return mark
        return [_lift(v, mark, arrays) for v in value]
    return value


def pretty_json(value: Any) -> str:
    """The same text as ``json.dumps(value, indent=2)``."""
    mark = "number-array-" + secrets.token_hex(8)  # no string in ``value`` can equal it
    arrays: list[list[Any]] = []
    text = json.dumps(_lift(value, mark, arrays), indent=2)
    if not arrays:
        return text
    quoted = f'"{mark}"'
    pieces: list[str] = []
    position = 0
    for array in arrays:  # the markers come in the order the arrays were lifted
        start = text.index(quoted, position)
        line = text[text.rfind("\n", 0, start) + 1 : start]
        outer = " " * (len(line) - len(line.lstrip(" ")))
        items = json.dumps(array, separators=(",\n" + outer + "  ", ": "))[1:-1]
        pieces += (text[position:start], "[\n", outer, "  ", items, "\n", outer, "]")
        position = start + len(quoted)
    pieces.append(text[position:])
    return "".join(pieces)
