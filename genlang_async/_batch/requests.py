"""Turning the caller's keyed requests into wire bytes, and choosing inline or file input.

Every request is encoded to JSON once, as it is read from the caller's mapping or (sync or
async) iterable of ``(key, request)`` pairs; nothing else of it is kept. An inline batch holds
its encoded requests in memory (at most :data:`MAX_INLINE_BYTES`); a file batch is streamed
as JSONL lines, so memory stays flat in the number of requests.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from ..types import WireModel

if TYPE_CHECKING:
    from ..types import EmbedContentRequest, GenerateContentRequest

__all__ = [
    "MAX_AUTO_INLINE_REQUESTS",
    "MAX_INLINE_BYTES",
    "EmbedRequests",
    "Entry",
    "GenerateRequests",
    "InputMode",
    "RequestKind",
    "encoded_entries",
    "inline_body",
    "jsonl_chunks",
    "split_inline",
]

MAX_INLINE_BYTES = 20_000_000
"""Largest ``batchGenerateContent`` body sent with inline requests, in bytes. The Batch API
guide (https://ai.google.dev/gemini-api/docs/batch-api, "Inline requests") keeps inline
requests for batches whose total request size stays under 20 MB; bigger ones go as a file."""

MAX_AUTO_INLINE_REQUESTS = 1_000
"""``input="auto"`` also sends more requests than this as a file: the responses of an inline
batch come back inside one operation, parsed whole, while an output file is read line by
line, so memory stays flat however many results there are."""

InputMode: TypeAlias = Literal["auto", "inline", "file"]
#: ``submit``'s requests: a mapping key -> request or (sync or async) ``(key, request)`` pairs.
GenerateRequests: TypeAlias = (
    "Mapping[str, GenerateContentRequest | Mapping[str, Any] | str]"
    " | Iterable[tuple[str, GenerateContentRequest | Mapping[str, Any] | str]]"
    " | AsyncIterable[tuple[str, GenerateContentRequest | Mapping[str, Any] | str]]"
)
#: ``submit_embeddings``'s requests, the same way.
EmbedRequests: TypeAlias = (
    "Mapping[str, EmbedContentRequest | Mapping[str, Any] | str]"
    " | Iterable[tuple[str, EmbedContentRequest | Mapping[str, Any] | str]]"
    " | AsyncIterable[tuple[str, EmbedContentRequest | Mapping[str, Any] | str]]"
)
_MODES = ("auto", "inline", "file")
_CHUNK = 1 << 20  # bytes of JSONL handed to the upload at a time
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@attrs.frozen
class RequestKind:
    """What one request of a batch is: its typed class and how a bare prompt becomes one."""

    request_type: type[WireModel]
    prompt: Callable[[str], dict[str, Any]]


@attrs.frozen
class Entry:
    """One request, encoded: its key and its body as JSON bytes."""

    key: str
    key_json: bytes
    request_json: bytes

    def inline(self) -> bytes:
        """As an ``InlinedRequest`` (the key travels in ``metadata``)."""
        return b'{"request":' + self.request_json + b',"metadata":{"key":' + self.key_json + b"}}"

    def line(self) -> bytes:
        """As a line of the JSONL input file."""
        return b'{"key":' + self.key_json + b',"request":' + self.request_json + b"}\n"


#: Bytes an inlined request adds besides its key and body (its envelope and a comma).
_INLINE_OVERHEAD = len(Entry("", b"", b"").inline()) + 1


def check_mode(mode: object) -> InputMode:
    if mode not in _MODES:
        raise ValueError(f"input must be one of {', '.join(map(repr, _MODES))}, not {mode!r}")
    return mode  # type: ignore[return-value]


def encode_request(value: object, kind: RequestKind, argument: str) -> bytes:
    """The JSON of one request: a typed request, a wire dict or a prompt string."""
    if isinstance(value, str):
        data: Any = kind.prompt(value)
    elif isinstance(value, kind.request_type):
        data = value.to_dict()
    elif isinstance(value, Mapping):
        data = value
    else:
        raise TypeError(
            f"{argument} must be a {kind.request_type.__name__}, a dict or a str prompt, "
            f"not {type(value).__name__}"
        )
    try:
        return _encode(data).encode()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{argument} is not JSON-serializable: {exc}") from None


async def _pairs(requests: object) -> AsyncIterator[tuple[object, object]]:
    if isinstance(requests, Mapping):
        for pair in requests.items():
            yield pair
    elif isinstance(requests, AsyncIterable):
        async for item in requests:
            yield _pair(item)
    elif isinstance(requests, Iterable) and not isinstance(requests, (str, bytes)):
        for item in requests:
            yield _pair(item)
    else:
        raise TypeError(
            "requests must be a mapping of key -> request or an iterable of (key, request) "
            f"pairs, not {type(requests).__name__}"
        )


def _pair(item: object) -> tuple[object, object]:
    if isinstance(item, tuple) and len(item) == 2:
        return item[0], item[1]
    raise TypeError(f"requests must yield (key, request) pairs, got {type(item).__name__}")


async def encoded_entries(requests: object, kind: RequestKind) -> AsyncIterator[Entry]:
    """The caller's requests, checked (string keys, each used once) and encoded one by one."""
    seen: set[str] = set()
    async for key, request in _pairs(requests):
        if not isinstance(key, str) or not key:
            raise TypeError(f"request keys must be non-empty strings, got {key!r}")
        if key in seen:
            raise ValueError(f"requests: the key {key!r} is used more than once")
        seen.add(key)
        request_json = encode_request(request, kind, f"requests[{key!r}]")
        yield Entry(key, _encode(key).encode(), request_json)


def inline_body(display_name: str, entries: Iterable[Entry]) -> bytes:
    """The ``batchGenerateContent`` / ``asyncBatchEmbedContent`` body of an inline batch."""
    head = b'{"batch":{"displayName":' + _encode(display_name).encode()
    items = b",".join(entry.inline() for entry in entries)
    return head + b',"inputConfig":{"requests":{"requests":[' + items + b"]}}}}"


async def split_inline(
    entries: AsyncIterator[Entry],
    mode: InputMode,
    display_name: str,
    limit: int,
    max_auto_count: int,
) -> tuple[list[Entry], AsyncIterator[Entry] | None]:
    """Read entries while an inline body of them stays within ``limit`` bytes (and, for
    ``mode="auto"``, while there are at most ``max_auto_count`` of them).

    Returns ``(entries, None)`` when the batch goes inline, or ``(first, rest)`` when it must
    go as a file (``mode="file"``, or ``"auto"`` past a limit): ``first`` then ``rest`` are
    all the entries. ``mode="inline"`` past the byte limit raises ``ValueError``.
    """
    if mode == "file":
        head = await anext(entries, None)
        if head is None:
            raise ValueError("requests is empty: a batch needs at least one request")
        return [head], entries
    size = len(inline_body(display_name, ()))
    taken: list[Entry] = []
    async for entry in entries:
        size += len(entry.request_json) + len(entry.key_json) + _INLINE_OVERHEAD
        taken.append(entry)
        if size > limit and mode == "inline":
            raise ValueError(
                f"the requests take more than {limit} bytes inline, over the API's limit "
                "for inline batches: use input='file' or input='auto'"
            )
        if mode == "auto" and (size > limit or len(taken) > max_auto_count):
            return taken, entries
    if not taken:
        raise ValueError("requests is empty: a batch needs at least one request")
    return taken, None


async def jsonl_chunks(first: list[Entry], rest: AsyncIterator[Entry]) -> AsyncIterator[bytes]:
    """The JSONL input file, in chunks of about 1 MiB (entries are dropped once sent)."""
    pending = deque(first)
    first.clear()
    buffer = bytearray()

    async def all_entries() -> AsyncIterator[Entry]:
        while pending:
            yield pending.popleft()
        async for entry in rest:
            yield entry

    async for entry in all_entries():
        buffer += entry.line()
        if len(buffer) >= _CHUNK:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)
