"""The interface every client runner implements.

A runner wraps one client library. The harness creates it in a fresh child process,
enters it (``open``), drives one workload and leaves it (``close``). Each method performs
the work a real caller would do and nothing else: issue the request, get the decoded
result, read the text. Keep per-call overhead in the runner itself at zero (no
wrappers, no extra awaits), because it is billed to the client being measured.

Availability: raise ``ImportError`` (library missing) or ``AttributeError`` (API not there
yet) and the harness reports the runner or metric as ``n/a (not available: <reason>)``.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from types import TracebackType
from typing import ClassVar, NamedTuple


class UploadResult(NamedTuple):
    """What the server said it received: ``File.sizeBytes`` and ``File.sha256Hash``.

    (A ``NamedTuple``, not attrs, so the raw floor imports nothing it would not need.)
    """

    size_bytes: int
    #: As returned by the client: base64 text, or the decoded bytes (both are accepted).
    sha256_hash: str | bytes | None


class Runner(abc.ABC):
    """One client library driven against the benchmark server at ``base_url``."""

    #: Short name used on the command line and in the results table.
    name: ClassVar[str]

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def __aenter__(self) -> Runner:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abc.abstractmethod
    async def open(self) -> None:
        """Create the client (one per process, shared by every concurrent call)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release every connection; no warnings may be left behind."""

    @abc.abstractmethod
    async def generate(self, model: str) -> str:
        """One ``generateContent`` call with ``contents="Hi"``; return the response text."""

    @abc.abstractmethod
    async def stream(self, model: str, on_first: Callable[[], None] | None = None) -> int:
        """Consume one ``streamGenerateContent`` (SSE) stream to its end.

        Read each chunk's text. Call ``on_first()`` right after the first chunk, if given.
        Return the number of chunks received.
        """

    async def stream_text(self, model: str) -> int:
        """Like :meth:`stream`, through the client's text-delta API where it has one (a chat
        frontend's loop); clients without one read each chunk's text as in :meth:`stream`."""
        return await self.stream(model)

    async def list_models(self, page_size: int) -> int:
        """Fetch one page of ``page_size`` models, decoded (typed where the client types);
        return how many it holds."""
        raise NotImplementedError("no dense models page for this client")

    async def embed_batch(self, model: str, n: int) -> int:
        """One ``batchEmbedContents`` of ``n`` texts; return the floats received."""
        raise NotImplementedError("no batch embeddings for this client")

    @abc.abstractmethod
    async def upload(self, path: str, mime_type: str) -> UploadResult:
        """Upload the file at ``path`` with the resumable protocol; return the ``File`` facts."""
