"""Canned wire payloads served by the benchmark server (shapes follow recorded v1beta traffic).

Everything here is stdlib-only and deterministic, so the server and the client processes
build byte-identical expectations without talking to each other.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

MODEL = "gemini-2.5-flash"
#: Model name that makes the server hold a stream open after its first frame.
HOLD_MODEL = "bench-hold"
RESPONSE_ID = "bEnChReSpOnSeId0123456789"
UNARY_TARGET_BYTES = 1500
FRAME_TARGET_BYTES = 400

_PROSE = (
    "the harness sends canned replies so that only client side work is measured while "
    "requests travel over loopback with keep alive connections and every response is "
    "decoded into a typed object before the next call starts in the same event loop"
)
_WORDS = _PROSE.split()


def _text(n_chars: int, seed: int = 0) -> str:
    """Deterministic prose of exactly ``n_chars`` characters."""
    out: list[str] = []
    size = 0
    i = seed
    while size < n_chars:
        word = _WORDS[i % len(_WORDS)]
        out.append(word)
        size += len(word) + 1
        i += 7
    return " ".join(out)[:n_chars]


def _usage(prompt: int, candidates: int) -> dict[str, Any]:
    return {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + 31,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
        "thoughtsTokenCount": 31,
    }


def _response(text: str, *, finish: bool, candidates: int) -> dict[str, Any]:
    candidate: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "index": 0,
    }
    if finish:
        candidate["finishReason"] = "STOP"
    return {
        "candidates": [candidate],
        "usageMetadata": _usage(8, candidates),
        "modelVersion": MODEL,
        "responseId": RESPONSE_ID,
    }


def _fit(build: Any, target: int) -> tuple[str, bytes]:
    """Grow the text until ``build(text)`` serialises to at least ``target`` bytes."""
    lo = 1
    body = b""
    text = ""
    while True:
        text = _text(lo, seed=lo)
        body = build(text)
        if len(body) >= target:
            return text, body
        lo += max(1, target - len(body))


def unary_text_and_body() -> tuple[str, bytes]:
    """The ``generateContent`` reply (pretty-printed like the live API, ~1.5 KB)."""
    return _fit(
        lambda t: json.dumps(_response(t, finish=True, candidates=240), indent=2).encode(),
        UNARY_TARGET_BYTES,
    )


def _frame(i: int, *, last: bool) -> tuple[str, bytes]:
    """Stream frame ``i`` (frames differ slightly, like real chunks)."""

    def build(t: str) -> bytes:
        obj = _response(f"{i:05d} {t}", finish=last, candidates=12 * (i + 1))
        return b"data: " + json.dumps(obj).encode() + b"\r\n\r\n"

    text, body = _fit(build, FRAME_TARGET_BYTES)
    return f"{i:05d} {text}", body


def sse_frames(n: int) -> list[bytes]:
    """``n`` SSE events of ~400 B each; the last one carries ``finishReason: STOP``."""
    return [_frame(i, last=(i == n - 1))[1] for i in range(n)]


def models_page() -> bytes:
    models = [
        {
            "name": f"models/gemini-bench-{i}",
            "version": "001",
            "displayName": f"Gemini Bench {i}",
            "description": _text(60, seed=i),
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
            "temperature": 1,
            "topP": 0.95,
            "topK": 64,
        }
        for i in range(20)
    ]
    return json.dumps({"models": models, "nextPageToken": "bench-page-2"}, indent=2).encode()


#: Models on the dense catalogue page (``GET /v1beta/models?pageSize=1000``).
DENSE_MODELS = 1000
#: Embeddings per ``batchEmbedContents`` answer, and floats per embedding.
EMBEDDINGS = 100
EMBEDDING_SIZE = 3072


def dense_models_page() -> bytes:
    """One page of :data:`DENSE_MODELS` models with every field set, no next page."""
    models = [
        {
            "name": f"models/gemini-bench-{i}",
            "baseModelId": "gemini-bench",
            "version": f"{i:03d}",
            "displayName": f"Gemini Bench {i}",
            "description": _text(120, seed=i),
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": [
                "generateContent",
                "countTokens",
                "createCachedContent",
                "batchGenerateContent",
            ],
            "thinking": i % 2 == 0,
            "temperature": 1,
            "maxTemperature": 2,
            "topP": 0.95,
            "topK": 64,
        }
        for i in range(DENSE_MODELS)
    ]
    return json.dumps({"models": models}, indent=2).encode()


def embeddings_body() -> bytes:
    """A ``BatchEmbedContentsResponse`` of :data:`EMBEDDINGS` vectors of full-precision floats."""
    values = [
        [((i * 7919 + j * 104729) % 200003) / 200003 - 0.5 for j in range(EMBEDDING_SIZE)]
        for i in range(EMBEDDINGS)
    ]
    return json.dumps({"embeddings": [{"values": v} for v in values]}, indent=2).encode()


def sha256_hash_field(hex_digest: str) -> str:
    """``File.sha256Hash`` as the live API returns it: base64 of the hex digest text."""
    return base64.b64encode(hex_digest.encode()).decode()


def expected_sha256_hash(path: str, size: int) -> str:
    """The ``sha256Hash`` the server will report after receiving the first ``size`` bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        remaining = size
        while remaining > 0:
            block = f.read(min(remaining, 1 << 20))
            if not block:
                break
            h.update(block)
            remaining -= len(block)
    return sha256_hash_field(h.hexdigest())


def file_resource(
    file_id: str, base_url: str, *, size: int, hex_digest: str, mime_type: str, display_name: str
) -> dict[str, Any]:
    stamp = "2025-01-01T00:00:00.000000Z"
    resource: dict[str, Any] = {
        "name": f"files/{file_id}",
        "mimeType": mime_type,
        "sizeBytes": str(size),
        "createTime": stamp,
        "updateTime": stamp,
        "expirationTime": "2025-01-03T00:00:00.000000Z",
        "sha256Hash": sha256_hash_field(hex_digest),
        "uri": f"{base_url}/v1beta/files/{file_id}",
        "state": "ACTIVE",
        "source": "UPLOADED",
    }
    if display_name:
        resource["displayName"] = display_name
    return resource
