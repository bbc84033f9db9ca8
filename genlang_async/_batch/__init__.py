"""Batch API jobs at scale: submit keyed requests (inline or as a streamed JSONL file),
follow the job, resume it from another process and read its results matched by key.

``client.batches.submit`` / ``submit_embeddings`` / ``attach`` return a :class:`BatchJob`.
"""

from __future__ import annotations

from .errors import BatchJobError, BatchOutputError, BatchRequestError, BatchTimeoutError
from .job import BatchJob
from .requests import MAX_AUTO_INLINE_REQUESTS, MAX_INLINE_BYTES

__all__ = [
    "MAX_AUTO_INLINE_REQUESTS",
    "MAX_INLINE_BYTES",
    "BatchJob",
    "BatchJobError",
    "BatchOutputError",
    "BatchRequestError",
    "BatchTimeoutError",
]
