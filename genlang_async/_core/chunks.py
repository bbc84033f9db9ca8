"""Stream chunks that are typed on demand.

A streamed answer arrives as hundreds of small chunks, and the usual loop reads only
``chunk.text``. Each chunk is therefore a :class:`GenerateContentResponse` that keeps its
wire JSON: ``chunk.text`` is read straight from it, and the first access to any field builds
the typed fields (once). To the caller it behaves as the eagerly built object would: same
fields, ``==``, ``repr``, ``to_dict()``, ``attrs.evolve``, copies; only ``type(chunk)`` is a
private subclass.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..types import GenerateContentResponse

__all__ = ["lazy_chunk", "wire_text"]


def wire_text(chunk: dict[str, Any]) -> str | None:
    """``GenerateContentResponse.text`` read straight from wire JSON: the first candidate's
    non-thought text parts joined, ``None`` without candidates. Kept equal to the typed
    property by a property test."""
    candidates = chunk.get("candidates")
    if not candidates:
        return None
    content = candidates[0].get("content") or {}
    return "".join(
        part["text"]
        for part in content.get("parts") or ()
        if isinstance(part.get("text"), str) and not part.get("thought")
    )


_FIELDS = tuple(field.name for field in attrs.fields(GenerateContentResponse))


class _LazyResponse(GenerateContentResponse):
    """A ``GenerateContentResponse`` whose fields are built from ``_wire`` on first use."""

    __slots__ = ("_wire",)

    _wire: dict[str, Any] | None

    def __getattr__(self, name: str) -> Any:
        # Reached only for slots not set yet: the fields before they are built, and
        # ``_wire`` on copies made by attrs (``evolve``, ``copy``), which are built already.
        if name == "_wire":
            return None
        wire = self._wire
        if wire is not None and name in _FIELDS:
            self._wire = None
            built = GenerateContentResponse.from_dict(wire)
            for field in _FIELDS:
                setattr(self, field, getattr(built, field))
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def text(self) -> str | None:
        wire = self._wire
        if wire is not None:
            return wire_text(wire)
        return super().text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GenerateContentResponse):
            return NotImplemented
        return all(getattr(self, field) == getattr(other, field) for field in _FIELDS)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # mutable, like the class it stands for

    def __repr__(self) -> str:
        shown = super().__repr__()
        return GenerateContentResponse.__name__ + shown[len(type(self).__name__) :]


def lazy_chunk(wire: dict[str, Any]) -> GenerateContentResponse:
    """A chunk typed on demand from its wire JSON (which it keeps; do not change it)."""
    chunk = object.__new__(_LazyResponse)
    chunk._wire = wire
    return chunk
