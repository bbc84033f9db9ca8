"""``json.dumps(value, indent=2)``, byte for byte, but fast for long flat arrays.

The live API pretty-prints its JSON; so does the emulator. The standard library's indenting
encoder is pure Python, and an embedding of 768 numbers (one per line) costs it most of a
millisecond. Here such arrays (of numbers, strings, booleans, nulls) are taken out, the rest
is encoded as usual, and each array is written back by the C encoder, whose item separator
is given the line break and indentation. A :class:`SparseVector` (the emulator's embeddings:
768 numbers, a few dozen of them not 0.0) is written from its non-zero entries alone, the
runs of ``0.0`` between them by string repetition (or, when most of its numbers are entries,
by the C encoder like any array).
"""

from __future__ import annotations

import functools
import json
import math
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["SparseVector", "pretty_json"]

_MIN_ARRAY = 32  # shorter arrays are left to the standard encoder


_SCALARS = frozenset({int, float, str, bool, type(None)})


class SparseVector(tuple[float, ...]):
    """A tuple of floats that are ``0.0`` but for the given ``(index, value)`` entries.

    Everything else sees a plain tuple (``json.dumps`` writes it as an array); being
    immutable, it always matches the ``entries`` it keeps, which :func:`pretty_json` writes
    in time proportional to their number rather than to the vector's length.
    """

    entries: tuple[tuple[int, float], ...]
    """The entries not set to ``0.0`` by construction, by index (some may still be 0.0)."""

    def __new__(cls, length: int, entries: Iterable[tuple[int, float]] = ()) -> SparseVector:
        kept = dict(entries)  # the last of an index's entries counts
        indexes = sorted(kept)
        numbers = list(map(kept.__getitem__, indexes))
        if indexes and (indexes[0] < 0 or indexes[-1] >= length):
            raise IndexError(f"an entry's index is outside a vector of {length}")
        if not set(map(type, numbers)) <= {float}:
            raise TypeError("the entries' values must be floats")
        return cls.from_sorted(length, indexes, numbers)

    @classmethod
    def from_sorted(
        cls, length: int, indexes: Sequence[int], numbers: Sequence[float]
    ) -> SparseVector:
        """The vector of ``length`` with ``numbers[k]`` at ``indexes[k]``, taken as given:
        the indexes increasing and in range, the numbers floats (not checked)."""
        values = [0.0] * length
        list(map(values.__setitem__, indexes, numbers))
        vector = super().__new__(cls, values)
        vector.entries = tuple(zip(indexes, numbers, strict=True))
        return vector

    def __reduce__(self) -> tuple[type[SparseVector], tuple[int, tuple[tuple[int, float], ...]]]:
        return SparseVector, (len(self), self.entries)


def _number(value: float) -> str:
    """A float as the JSON encoder writes it."""
    if math.isfinite(value):
        return float.__repr__(value)
    return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"


def _sparse_items(vector: SparseVector, separator: str) -> str:
    """The items of ``vector`` joined by ``separator``, as the C encoder writes them."""
    zero = "0.0" + separator
    pieces: list[str] = []
    texts: dict[float, str] = {}  # entries repeat a few values: each is formatted once
    last = 0
    for index, value in vector.entries:
        text = texts.get(value) if value else None  # 0.0 and -0.0 are equal keys
        if text is None:
            text = texts[value] = _number(value)
        pieces += (zero * (index - last), text, separator)
        last = index + 1
    rest = len(vector) - last
    if rest:
        pieces += (zero * (rest - 1), "0.0")
    elif pieces:
        pieces.pop()  # no separator after the last item
    return "".join(pieces)


@functools.lru_cache(maxsize=64)
def _items_encoder(separator: str) -> json.JSONEncoder:
    """The C encoder writing a flat array's items joined by ``separator`` (one per depth,
    remembered)."""
    return json.JSONEncoder(separators=(separator, ": "))


def _flat(value: list[Any]) -> bool:
    return len(value) >= _MIN_ARRAY and set(map(type, value)) <= _SCALARS


def _lift(value: Any, mark: str, arrays: list[list[Any] | SparseVector]) -> Any:
    """``value`` with each long flat array and each non-empty :class:`SparseVector` replaced
    by the string ``mark``."""
    if type(value) is SparseVector:
        if not value:  # written "[]"
            return value
        arrays.append(value)
        return mark
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
    arrays: list[list[Any] | SparseVector] = []
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
        separator = ",\n" + outer + "  "
        if type(array) is SparseVector and 2 * len(array.entries) < len(array):
            items = _sparse_items(array, separator)  # mostly 0.0s: written from the entries
        else:
            items = _items_encoder(separator).encode(array)[1:-1]
        pieces += (text[position:start], "[\n", outer, "  ", items, "\n", outer, "]")
        position = start + len(quoted)
    pieces.append(text[position:])
    return "".join(pieces)
