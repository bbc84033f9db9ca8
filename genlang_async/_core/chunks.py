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

from ..types import GenerateContentResponse
from .errors import MalformedResponseError
from .lazy import LazyFields, check_containers

__all__ = ["lazy_chunk", "lazy_response", "wire_text"]


def wire_text(chunk: dict[str, Any]) -> str | None:
    """``GenerateContentResponse.text`` read straight from wire JSON: the first candidate's
    non-thought text parts joined, ``None`` without candidates. Kept equal to the typed
    property by a property test."""
    try:
        candidates = chunk.get("candidates")
        if not candidates:
            return None
        content = candidates[0].get("content") or {}
        parts: list[Any] = content.get("parts") or []
        if len(parts) == 1:  # the usual chunk: no joining
            text = parts[0].get("text")
            return text if isinstance(text, str) and not parts[0].get("thought") else ""
        return "".join(
            part["text"]
            for part in parts
            if isinstance(part.get("text"), str) and not part.get("thought")
        )
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        raise MalformedResponseError(f"a malformed GenerateContentResponse chunk: {exc}") from None


class _LazyResponse(LazyFields, GenerateContentResponse):
    """A ``GenerateContentResponse`` whose fields are built from ``_wire`` on first use."""

    __slots__ = ("_wire",)

    _eager = GenerateContentResponse

    @property
    def text(self) -> str | None:
        wire = self._wire
        if wire is not None:
            return wire_text(wire)
        return super().text


def lazy_chunk(wire: dict[str, Any]) -> GenerateContentResponse:
    """A chunk typed on demand from its wire JSON (which it keeps; do not change it)."""
    chunk = object.__new__(_LazyResponse)
    object.__setattr__(chunk, "_wire", wire)  # the slot itself: no field is being assigned
    return chunk


def lazy_response(wire: dict[str, Any]) -> GenerateContentResponse:
    """A ``generateContent`` answer typed on demand, like a chunk: ``.text`` reads the wire,
    the first other field read builds them all. Its containers are checked now, so a body
    of the wrong shape fails the call (:class:`MalformedResponseError`); a malformed value
    deeper inside fails the first read of a field."""
    check_containers(GenerateContentResponse, wire)
    return lazy_chunk(wire)


class ChunkMerger:
    """Folds ``GenerateContentResponse`` wire chunks into one: text parts are joined per
    candidate, other parts appended, and every other field keeps its last value."""

    def __init__(self) -> None:
        self._response: dict[str, Any] = {}
        self._candidates: dict[int, _CandidateState] = {}

    def add(self, chunk: dict[str, Any]) -> None:
        self._response.update(chunk)
        candidates = chunk.get("candidates")
        if isinstance(candidates, list):
            for candidate in candidates:
                if isinstance(candidate, dict):
                    self._add_candidate(candidate)

    def _add_candidate(self, candidate: dict[str, Any]) -> None:
        index = candidate.get("index", 0)
        if not isinstance(index, int):
            index = 0
        state = self._candidates.get(index)
        if state is None:
            state = self._candidates[index] = _CandidateState()
        state.fields.update(candidate)
        content = candidate.get("content")
        if isinstance(content, dict):
            state.add_content(content)

    def result(self) -> dict[str, Any]:
        """The merged response as wire JSON (a fresh dict; the merger can go on)."""
        merged = dict(self._response)
        merged.pop("candidates", None)
        if self._candidates:
            merged["candidates"] = [
                self._candidates[index].to_dict() for index in sorted(self._candidates)
            ]
        return merged


class _CandidateState:
    """One candidate's merged fields, content fields and parts."""

    __slots__ = ("content", "fields", "parts")

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.content: dict[str, Any] | None = None
        self.parts: list[dict[str, Any] | _TextRun] = []

    def add_content(self, content: dict[str, Any]) -> None:
        if self.content is None:
            self.content = {}
        self.content.update(content)
        parts = self.parts
        for part in content.get("parts") or ():
            if not isinstance(part, dict):
                continue
            if not _is_plain_text(part):
                parts.append(dict(part))
                continue
            last = parts[-1] if parts else None
            if isinstance(last, _TextRun) and last.continues_with(part):
                last.add(part)
            else:
                parts.append(_TextRun(part))

    def to_dict(self) -> dict[str, Any]:
        candidate = dict(self.fields)
        if self.content is not None:
            candidate["content"] = {
                **self.content,
                "parts": [
                    part.to_dict() if isinstance(part, _TextRun) else dict(part)
                    for part in self.parts
                ],
            }
        return candidate


_TEXT_KEYS = frozenset({"text", "thought", "thoughtSignature"})


def _is_plain_text(part: dict[str, Any]) -> bool:
    return isinstance(part.get("text"), str) and part.keys() <= _TEXT_KEYS


class _TextRun:
    """Consecutive text parts of one kind (thought or answer), joined once when read, so a
    long stream costs linear time. A run ends at a part carrying a thought signature."""

    __slots__ = ("fields", "pieces")

    def __init__(self, part: dict[str, Any]) -> None:
        self.fields = dict(part)
        self.pieces = [part["text"]]

    def continues_with(self, part: dict[str, Any]) -> bool:
        """Whether the plain text ``part`` joins this run."""
        return "thoughtSignature" not in self.fields and bool(self.fields.get("thought")) == bool(
            part.get("thought")
        )

    def add(self, part: dict[str, Any]) -> None:
        self.pieces.append(part["text"])
        if "thoughtSignature" in part:
            self.fields["thoughtSignature"] = part["thoughtSignature"]

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields, "text": "".join(self.pieces)}
