"""Emulator settings (all optional keyword arguments of ``Emulator``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ._typed import check_field

MIB = 1024 * 1024
#: Settings that must be at least 1 (the other numbers must not be negative).
_POSITIVE = frozenset({"upload_chunk_granularity", "stream_chunks", "embedding_dimensions"})


@dataclasses.dataclass
class EmulatorSettings:
    """Tunable behaviour. Every field can be changed at run time (``emu.settings.x = ...``)."""

    #: Accepted API keys; ``None`` accepts any non-empty key.
    api_keys: frozenset[str] | None = None
    #: ``X-Goog-Upload-Chunk-Granularity``: non-final chunks must be a multiple of it.
    upload_chunk_granularity: int = 8 * MIB
    #: Seconds an uploaded file stays ``PROCESSING`` before turning ``ACTIVE`` (0: at once).
    file_processing_delay: float = 0.0
    #: Seconds a long-running operation (tuning, batches, imports, video) takes to finish.
    operation_delay: float = 0.2
    #: Seconds a batch job takes from PENDING to SUCCEEDED (``None``: ``operation_delay``).
    batch_duration: float | None = None
    #: A batch job still unfinished this many seconds after creation ends EXPIRED.
    batch_expiry: float = 48 * 3600.0
    #: Batch requests whose key matches a pattern (``fnmatch``) fail with that HTTP status,
    #: e.g. ``{"bad-*": 400}``; the key is the JSONL line's ``key`` or ``metadata.key``.
    batch_request_failures: dict[str, int] = dataclasses.field(default_factory=dict)
    #: How many chunks ``streamGenerateContent`` splits an answer into.
    stream_chunks: int = 3
    #: Pause between two stream chunks, in seconds.
    stream_chunk_delay: float = 0.0
    #: Keep uploaded bytes (in a temp directory) so downloads and imports can read them.
    store_upload_content: bool = True
    #: Files larger than this are hashed and counted but their bytes are not kept.
    max_stored_file_bytes: int = 512 * MIB
    #: Default ``outputDimensionality`` of embeddings.
    embedding_dimensions: int = 768
    #: Lifetime of uploaded files (``expirationTime``), seconds.
    file_ttl: float = 48 * 3600.0
    #: Extra latency added to every API request, seconds.
    latency: float = 0.0
    #: Seed for generated resource ids (same seed, same ids after a reset).
    id_seed: int = 0
    #: Seconds a Live session resumption handle stays valid.
    live_handle_ttl: float = 7200.0
    #: Send Live API messages in binary frames (as the API does); ``False``: text frames.
    live_binary_frames: bool = True

    def update(self, values: dict[str, Any]) -> None:
        """Set fields from a dict of (snake_case or camelCase) names; an unknown name raises
        ``KeyError``, a value of the wrong type or range ``ValueError``."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        for key, value in values.items():
            name = _snake(key)
            if name not in fields:
                raise KeyError(key)
            check_field(self, name, value)
            if name == "api_keys" and value is not None:
                value = frozenset(value)
            if (name in _POSITIVE and value < 1) or (isinstance(value, (int, float)) and value < 0):
                raise ValueError(f"{name} must be {'>= 1' if name in _POSITIVE else '>= 0'}")
            setattr(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        if data["api_keys"] is not None:
            data["api_keys"] = sorted(data["api_keys"])
        return data


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)
