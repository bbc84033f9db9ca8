"""``client.models.embed_many``: any number of texts embedded through ``batchEmbedContents``
calls of at most 100 inputs, run concurrently, results in input order.

:class:`EmbedManyModels` is the mixin the ``models`` namespace class lists among its bases."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._batch.errors import BatchOutputError
from ._concurrency import map_concurrently
from ._core.errors import APIError
from ._core.names import resolve_name
from .types import ContentEmbedding, EmbedContentRequest

if TYPE_CHECKING:
    from .resources._base import Resource

__all__ = ["MAX_BATCH_EMBED", "EmbedInput", "EmbedManyModels", "embed_many"]

MAX_BATCH_EMBED = 100
"""Most requests one ``batchEmbedContents`` call takes."""

#: One input of :func:`embed_many`: a text, an ``EmbedContentRequest`` or its wire dict.
EmbedInput: TypeAlias = "str | EmbedContentRequest | Mapping[str, Any]"


_WIRE_QUERIES: dict[str, dict[str, str] | None] = {"proto": {"alt": "proto"}, "json": None}
#: Statuses with which a server could turn down the binary format (400: an ``alt`` it does
#: not take; 406 / 415: a format it will not produce).
_NOT_TAKEN = frozenset({400, 406, 415})


def _request(item: object, model: str, index: int) -> dict[str, Any]:
    if isinstance(item, str):
        return {"model": model, "content": {"parts": [{"text": item}]}}
    if isinstance(item, EmbedContentRequest):
        data = item.to_dict()
    elif isinstance(item, Mapping):
        data = dict(item)
    else:
        raise TypeError(
            f"texts[{index}] must be a str, an EmbedContentRequest or a dict, "
            f"not {type(item).__name__}"
        )
    data.setdefault("model", model)
    return data


def _check_int(value: object, argument: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{argument} must be {bounds}, got {value}")
    return value


async def embed_many(
    self: Resource,
    model: str,
    texts: Iterable[EmbedInput],
    *,
    batch_size: int = MAX_BATCH_EMBED,
    concurrency: int = 8,
    progress: Callable[[int, int], object] | None = None,
    wire: Literal["proto", "json"] = "proto",
) -> list[ContentEmbedding]:
    """Embed any number of texts (or ``EmbedContentRequest``\\ s) and return their
    embeddings in input order.

    Inputs go ``batch_size`` at a time (at most 100, the API's limit) through
    ``batchEmbedContents``, ``concurrency`` calls at once, each retried like any call
    (429 / 5xx / dropped connections, honouring ``Retry-After``). ``progress(done,
    total)`` (may be ``async``) follows each finished call. Every input is checked before
    anything is sent; a call that still fails after its retries cancels the others and its
    error is raised.

    ``wire="proto"`` asks for the answers in the API's binary format (``alt=proto``): each
    vector arrives as packed float32, read about ten times faster than its JSON text, and
    its values are the model's float32 numbers exactly (JSON gives their shortest decimal
    form, which differs in the last bits). ``wire="json"`` reads JSON answers instead. A
    binary call answered 400, 406 or 415 is sent again as JSON, and so are the calls after
    it (a server that does not take ``alt=proto`` costs the calls already on their way: at
    most ``concurrency``).
    """
    model = resolve_name(model, "models/*", argument="model")
    size = _check_int(batch_size, "batch_size", 1, MAX_BATCH_EMBED)
    _check_int(concurrency, "concurrency", 1)
    if wire not in _WIRE_QUERIES:
        raise ValueError(f"wire must be 'proto' or 'json', got {wire!r}")
    query = _WIRE_QUERIES[wire]
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable: progress(done, total)")
    if isinstance(texts, (str, bytes, Mapping)) or not isinstance(texts, Iterable):
        raise TypeError(f"texts must be a list of inputs, not {type(texts).__name__}")
    requests = [_request(item, model, index) for index, item in enumerate(texts)]
    groups = [requests[start : start + size] for start in range(0, len(requests), size)]
    path = f"{model}:batchEmbedContents"
    done = 0

    async def send(group: list[dict[str, Any]]) -> Any:
        nonlocal query
        body = {"requests": group}
        if query is not None:
            try:
                return await self._call("POST", path, query=query, body=body)
            except APIError as exc:
                if exc.status_code not in _NOT_TAKEN:
                    raise
            # A server that refuses alt=proto: JSON from now on. (Were the input at fault,
            # the JSON call fails the same way, and that error is raised.)
            query = None
        return await self._call("POST", path, body=body)

    async def embed_group(group: list[dict[str, Any]]) -> list[ContentEmbedding]:
        nonlocal done
        answer = await send(group)
        embeddings = answer.get("embeddings")
        if not isinstance(embeddings, list) or len(embeddings) != len(group):
            got = len(embeddings) if isinstance(embeddings, list) else 0
            raise BatchOutputError(f"asked {path} for {len(group)} embeddings, got {got}")
        parsed = [ContentEmbedding.from_dict(item) for item in embeddings]
        done += len(group)
        if progress is not None:
            outcome = progress(done, len(requests))
            if inspect.isawaitable(outcome):
                await outcome
        return parsed

    results = await map_concurrently(embed_group, groups, concurrency=concurrency)
    return [embedding for group in results for embedding in group]


class EmbedManyModels:
    """Adds :meth:`embed_many` to the ``models`` namespace."""

    embed_many = embed_many
