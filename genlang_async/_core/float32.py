"""The list type of floats read from packed float32 (the vectors of binary answers).

Its own small module: the type converter checks for it on every float list, and it should
not have to load the binary format's reader to do so."""

from __future__ import annotations

__all__ = ["Float32Values"]


class Float32Values(list[float]):
    """Floats read from packed float32: finite or not, every item is a ``float`` (the type
    converter takes such a list without checking its items)."""

    __slots__ = ()
