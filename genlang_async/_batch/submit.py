"""Creating batch jobs from keyed requests, and attaching to existing ones."""

from __future__ import annotations

import json
import time
from typing import Any

from .._core.names import resolve_name
from ..types import EmbedContentRequest, GenerateContentRequest
from . import requests as _requests
from .api import BatchApi
from .job import BatchJob
from .requests import RequestKind, check_mode, encoded_entries, inline_body, jsonl_chunks

__all__ = ["EMBED", "GENERATE", "attach", "submit"]

GENERATE = RequestKind(
    GenerateContentRequest,
    lambda text: {"contents": [{"parts": [{"text": text}], "role": "user"}]},
)
EMBED = RequestKind(EmbedContentRequest, lambda text: {"content": {"parts": [{"text": text}]}})


def _display_name(value: object) -> str:
    if value is None:
        return "genlang_async batch " + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if not isinstance(value, str):
        raise TypeError(f"display_name must be a str, not {type(value).__name__}")
    return value


async def submit(
    api: BatchApi,
    model: str,
    requests: object,
    *,
    kind: RequestKind,
    method: str,
    display_name: str | None,
    input: str,
) -> BatchJob[Any]:
    """Create a batch job of ``method`` (``batchGenerateContent`` / ``asyncBatchEmbedContent``)
    from keyed requests: inline while small enough (or asked for), else as a JSONL file."""
    model = resolve_name(model, "models/*", "tunedModels/*", argument="model")
    mode = check_mode(input)
    name = _display_name(display_name)
    entries = encoded_entries(requests, kind)
    first, rest = await _requests.split_inline(
        entries,
        mode,
        name,
        _requests.MAX_INLINE_BYTES,
        _requests.MAX_AUTO_INLINE_REQUESTS,
    )
    if rest is None:
        body = inline_body(name, first)
        first.clear()
    else:
        file_name = await api.upload_jsonl(jsonl_chunks(first, rest), name)
        batch = {"displayName": name, "inputConfig": {"fileName": file_name}}
        body = json.dumps({"batch": batch}).encode()
    return BatchJob(api, await api.create(model, method, body))


async def attach(api: BatchApi, name: str) -> BatchJob[Any]:
    """The handle of an existing job (``batches/{id}`` or the bare id), fetched once."""
    name = resolve_name(name, "batches/*", argument="name")
    return BatchJob(api, await api.get(name))
