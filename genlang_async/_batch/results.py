"""A finished job's results as ``(key, response or BatchRequestError)`` pairs, matched by the
key each result carries (never by position): inline responses, or the output JSONL file read
line by line as it downloads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator, Mapping
from typing import Any, TypeVar

from .errors import BatchOutputError, BatchRequestError

__all__ = ["file_results", "inline_results", "lines"]

R = TypeVar("R")
Parse = Callable[[Mapping[str, Any]], R]


def _result(item: Mapping[str, Any], key: str, parse: Parse[R]) -> R | BatchRequestError:
    error = item.get("error")
    if isinstance(error, Mapping):
        return BatchRequestError(key, error)
    response = item.get("response")
    if not isinstance(response, Mapping):
        raise BatchOutputError(f"the result of {key!r} has neither a response nor an error")
    try:
        return parse(response)
    except ValueError as exc:
        raise BatchOutputError(f"the response of {key!r} is malformed: {exc}") from exc


def inline_results(items: object, parse: Parse[R]) -> Iterator[tuple[str, R | BatchRequestError]]:
    """Results of an inline batch; each ``InlinedResponse`` names its key in ``metadata``."""
    if not isinstance(items, list):
        raise BatchOutputError("the batch's inlinedResponses is not a list")
    for index, item in enumerate(items):
        metadata = item.get("metadata") if isinstance(item, Mapping) else None
        key = metadata.get("key") if isinstance(metadata, Mapping) else None
        if not isinstance(key, str):
            raise BatchOutputError(f"inlined response {index} has no key in its metadata")
        yield key, _result(item, key, parse)


async def lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """The non-blank lines of a byte stream (only the current line is held)."""
    buffer = bytearray()
    async for chunk in chunks:
        buffer += chunk
        start = 0
        while (end := buffer.find(b"\n", start)) != -1:
            if end > start and buffer[start:end].strip():
                yield bytes(buffer[start:end])
            start = end + 1
        del buffer[:start]
    if buffer.strip():
        yield bytes(buffer)


async def file_results(
    chunks: AsyncIterable[bytes], parse: Parse[R]
) -> AsyncIterator[tuple[str, R | BatchRequestError]]:
    """Results of a file batch: one ``{"key", "response" | "error"}`` object per line."""
    number = 0
    async for raw in lines(chunks):
        number += 1
        try:
            item = json.loads(raw)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            raise BatchOutputError(f"line {number} of the batch output is not a JSON object")
        key = item.get("key")
        if not isinstance(key, str):
            raise BatchOutputError(f"line {number} of the batch output has no key")
        yield key, _result(item, key, parse)
