"""A tiny deterministic tokenizer: words and punctuation marks count as one token each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")

#: Flat token cost of one non-text media part (image, audio, video, document).
MEDIA_PART_TOKENS = 258


def token_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN_RE.finditer(text)]


def count_text(text: str) -> int:
    return sum(1 for _ in _TOKEN_RE.finditer(text))


def truncate(text: str, max_tokens: int) -> str:
    """The prefix of ``text`` holding its first ``max_tokens`` tokens."""
    spans = token_spans(text)
    if max_tokens >= len(spans):
        return text
    if max_tokens <= 0:
        return ""
    return text[: spans[max_tokens - 1][1]]


def split_pieces(text: str, pieces: int) -> list[str]:
    """Split ``text`` at token starts into ``pieces`` parts that join back to ``text``."""
    spans = token_spans(text)
    if pieces <= 1 or len(spans) <= 1:
        return [text] + [""] * (max(pieces, 1) - 1)
    cuts = [0]
    for k in range(1, pieces):
        index = (len(spans) * k) // pieces
        cut = spans[index][0] if index < len(spans) else len(text)
        cuts.append(max(cut, cuts[-1]))
    cuts.append(len(text))
    return [text[cuts[i] : cuts[i + 1]] for i in range(pieces)]


def modality_of(mime_type: str) -> str:
    major = mime_type.split("/", 1)[0].lower()
    if major == "image":
        return "IMAGE"
    if major == "audio":
        return "AUDIO"
    if major == "video":
        return "VIDEO"
    if major == "text":
        return "TEXT"
    return "DOCUMENT"


def part_tokens(part: dict[str, Any]) -> tuple[str, int]:
    """(modality, token count) of one ``Part``."""
    if "text" in part:
        return "TEXT", count_text(str(part.get("text", "")))
    for key in ("inlineData", "fileData"):
        blob = part.get(key)
        if isinstance(blob, dict):
            return modality_of(str(blob.get("mimeType", ""))), MEDIA_PART_TOKENS
    for key in ("functionCall", "functionResponse", "executableCode", "codeExecutionResult"):
        if key in part:
            return "TEXT", count_text(json.dumps(part[key], sort_keys=True))
    return "TEXT", 0


def count_contents(contents: Iterable[Any]) -> dict[str, int]:
    """Token counts per modality over a list of ``Content`` objects."""
    counts: dict[str, int] = {}
    for content in contents:
        if not isinstance(content, dict):
            continue
        for part in content.get("parts") or []:
            if isinstance(part, dict):
                modality, n = part_tokens(part)
                counts[modality] = counts.get(modality, 0) + n
    return counts


def details(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"modality": m, "tokenCount": n} for m, n in counts.items() if n]


def merge(*counts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return total
