"""Token usage: one call's counts (:class:`TokenUsage`) and a client's running totals
per model (:class:`Usage`, as ``client.usage``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = ["TokenUsage", "Usage"]

#: ``usageMetadata`` field -> index in a counter row (``requests`` is 0, the total is 6).
_FIELDS = (
    ("promptTokenCount", 1),
    ("candidatesTokenCount", 2),
    ("thoughtsTokenCount", 3),
    ("cachedContentTokenCount", 4),
    ("toolUsePromptTokenCount", 5),
)
_CACHED = 4
_WIDTH = 7


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit():  # int64 spelled as a string
        return int(value)
    return 0


def _add(row: list[int], metadata: Mapping[str, Any] | None) -> None:
    """Count one call into ``row``: missing or malformed counts are 0; a missing total is
    the sum of the others (cached tokens are part of the prompt)."""
    row[0] += 1
    if not metadata:
        return
    total = 0
    for name, index in _FIELDS:
        value = metadata.get(name)
        if value:
            count = value if type(value) is int and value > 0 else _count(value)
            row[index] += count
            if index != _CACHED:
                total += count
    reported = metadata.get("totalTokenCount")
    row[6] += (_count(reported) if reported else 0) or total


@attrs.frozen
class TokenUsage:
    """Requests and tokens, from the API's ``usageMetadata``.

    Attributes:
        requests: calls counted (1 for a single call).
        prompt_tokens: ``promptTokenCount`` (input, including cached tokens).
        output_tokens: ``candidatesTokenCount`` (the answers).
        thoughts_tokens: ``thoughtsTokenCount`` (thinking models).
        cached_tokens: ``cachedContentTokenCount`` (the part of the prompt read from cache).
        tool_use_prompt_tokens: ``toolUsePromptTokenCount``.
        total_tokens: ``totalTokenCount`` (or the sum of the above when it is missing).
    """

    requests: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    thoughts_tokens: int = 0
    cached_tokens: int = 0
    tool_use_prompt_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any] | None) -> TokenUsage:
        """One call's usage from a wire ``usageMetadata`` dict (missing or malformed counts
        are 0)."""
        row = [0] * _WIDTH
        _add(row, metadata)
        return cls(*row)

    def __add__(self, other: TokenUsage) -> TokenUsage:
        if not isinstance(other, TokenUsage):
            return NotImplemented
        return TokenUsage(
            *(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True))
        )

    def __str__(self) -> str:
        text = (
            f"{self.requests} request{'' if self.requests == 1 else 's'}, "
            f"{self.prompt_tokens} prompt + {self.output_tokens} output"
        )
        if self.thoughts_tokens:
            text += f" + {self.thoughts_tokens} thoughts"
        text += " tokens"
        if self.cached_tokens:
            text += f" ({self.cached_tokens} cached)"
        return text


class Usage(Mapping[str, TokenUsage]):
    """A client's token usage per model since it was made (``client.usage``).

    A read-only mapping from model id (``"gemini-2.5-flash"``, ``"tunedModels/x"``) to
    :class:`TokenUsage`; :attr:`total` adds up all models. Every completed model call
    (generation, embedding, answer, prediction) counts as one request; its tokens come from
    the response's ``usageMetadata`` (for a stream, from its last chunk). Failed calls are not
    counted. ``str(usage)`` is a short report, one line per model.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[int]] = {}

    def record(self, model: str, metadata: Mapping[str, Any] | None) -> None:
        """Count one call to ``model`` with the response's ``usageMetadata`` (or ``None``)."""
        row = self._rows.get(model)
        if row is None:
            row = self._rows[model] = [0] * _WIDTH
        _add(row, metadata)

    def reset(self) -> None:
        """Forget everything counted so far."""
        self._rows.clear()

    @property
    def total(self) -> TokenUsage:
        """The sum over all models."""
        sums = [0] * _WIDTH
        for row in self._rows.values():
            for index, value in enumerate(row):
                sums[index] += value
        return TokenUsage(*sums)

    def __getitem__(self, model: str) -> TokenUsage:
        return TokenUsage(*self._rows[model])

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._rows))

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Usage({dict(self.items())!r})"

    def __str__(self) -> str:
        if not self._rows:
            return "usage: no requests"
        lines = [f"usage: {model}: {self[model]}" for model in sorted(self._rows)]
        if len(lines) > 1:
            lines.append(f"usage: total: {self.total}")
        return "\n".join(lines)
