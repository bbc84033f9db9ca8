"""The :class:`BatchJob` handle: state and stats, waiting with progress, cancel, delete, and
the results matched by key."""

from __future__ import annotations

import inspect
import math
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

from .._operations import Operation
from ..types import BatchState, BatchStats, EmbedContentResponse, GenerateContentResponse
from .errors import BatchJobError, BatchOutputError, BatchRequestError, BatchTimeoutError
from .results import file_results, inline_results

if TYPE_CHECKING:
    from .api import BatchApi

__all__ = ["BatchJob", "ProgressCallback"]

R = TypeVar("R")

#: ``progress(stats)``, called by :meth:`BatchJob.wait` whenever the stats or state change;
#: may be ``async``.
ProgressCallback = Callable[[BatchStats], object]

_ENDED = frozenset(
    {
        BatchState.BATCH_STATE_SUCCEEDED,
        BatchState.BATCH_STATE_FAILED,
        BatchState.BATCH_STATE_CANCELLED,
        BatchState.BATCH_STATE_EXPIRED,
    }
)


def _parser(metadata: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], Any]:
    """Embedding batches give ``EmbedContentResponse``\\ s, the others generate content."""
    if str(metadata.get("@type", "")).endswith(".EmbedContentBatch"):
        return EmbedContentResponse.from_dict
    return GenerateContentResponse.from_dict


def _checked(operation: Mapping[str, Any]) -> dict[str, Any]:
    """A batch operation, which must carry the job in its ``metadata``."""
    if not isinstance(operation.get("metadata"), dict):
        raise BatchOutputError(f"batch {operation.get('name')!r} has no metadata")
    return dict(operation)


class BatchJob(Generic[R]):
    """A Batch API job (``batches/...``), as of its last refresh.

    Made by ``client.batches.submit(...)`` (``R`` is ``GenerateContentResponse``),
    ``submit_embeddings(...)`` (``EmbedContentResponse``) or ``attach(name)``. Only its
    ``name`` is needed to find it again: save it, and a restarted script carries on with
    ``await client.batches.attach(name)``.
    """

    __slots__ = ("_api", "_operation")

    def __init__(self, api: BatchApi, operation: Mapping[str, Any]) -> None:
        self._api = api
        name = str(_checked(operation)["name"])
        self._operation: Operation[Any] = Operation(
            operation,
            poll=lambda: self._fetch(name),
            parse_result=dict,
            cancel=lambda: api.cancel(name),
        )

    async def _fetch(self, name: str) -> dict[str, Any]:
        return _checked(await self._api.get(name))

    @property
    def _metadata(self) -> dict[str, Any]:
        metadata = self._operation.metadata
        assert metadata is not None  # checked on every fetch
        return metadata

    def __repr__(self) -> str:
        state = getattr(self.state, "value", self.state)
        return f"<BatchJob name={self.name!r} state={state}>"

    @property
    def name(self) -> str:
        """The job's resource name, ``batches/{id}``."""
        return self._operation.name

    @property
    def display_name(self) -> str | None:
        value = self._metadata.get("displayName")
        return value if isinstance(value, str) else None

    @property
    def model(self) -> str | None:
        value = self._metadata.get("model")
        return value if isinstance(value, str) else None

    @property
    def state(self) -> BatchState | str:
        """``BatchState.BATCH_STATE_PENDING``, ``..._RUNNING``, ``..._SUCCEEDED``, ...; an
        unknown state is kept as its string."""
        raw = str(self._metadata.get("state") or "BATCH_STATE_UNSPECIFIED")
        try:
            return BatchState(raw)
        except ValueError:
            return raw

    @property
    def stats(self) -> BatchStats:
        """Request counts (``batchStats``): total, successful, failed and pending."""
        stats = self._metadata.get("batchStats")
        return BatchStats.from_dict(stats if isinstance(stats, dict) else {})

    @property
    def done(self) -> bool:
        """Whether the job has ended (succeeded, failed, cancelled or expired)."""
        return self.state in _ENDED or self._operation.done

    @property
    def error(self) -> dict[str, Any] | None:
        """The ``google.rpc.Status`` wire dict of a job that ended without success, if any."""
        return self._operation.error

    @property
    def raw(self) -> dict[str, Any]:
        """The job's operation as last fetched (wire JSON)."""
        return self._operation.raw

    async def refresh(self) -> BatchJob[R]:
        """Fetch the job's current state once; return ``self``."""
        await self._operation.refresh()
        return self

    async def wait(
        self,
        *,
        poll_interval: float = 10.0,
        timeout: float | None = None,  # noqa: ASYNC109 (the wait's own deadline)
        progress: ProgressCallback | None = None,
    ) -> BatchJob[R]:
        """Poll every ``poll_interval`` seconds until the job ends; return ``self``.

        ``progress(stats)`` (may be ``async``) is called at once and then whenever the
        stats or the state change. Raises :class:`BatchJobError` when the job ends failed,
        cancelled or expired, and :class:`BatchTimeoutError` (a ``TimeoutError``; the job
        goes on) after ``timeout`` seconds (``None``: no limit). Cancelling the waiting task
        (or killing the process) leaves the job running: ``attach`` to it later.
        """
        if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)):
            raise TypeError("poll_interval must be a number of seconds")
        if not poll_interval > 0:
            raise ValueError(f"poll_interval must be > 0, got {poll_interval}")
        if timeout is not None and (math.isnan(timeout) or timeout < 0):
            raise ValueError(f"timeout must be >= 0 or None, got {timeout}")
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable: progress(stats)")
        with anyio.move_on_after(timeout):
            await self._follow(float(poll_interval), progress)
            self._check_succeeded()
            return self
        state = str(getattr(self.state, "value", self.state))
        raise BatchTimeoutError(self.name, math.inf if timeout is None else timeout, state)

    async def _follow(self, poll_interval: float, progress: ProgressCallback | None) -> None:
        reported: object = None
        while True:
            seen = (self._metadata.get("state"), self._metadata.get("batchStats"))
            if progress is not None and seen != reported:
                reported = seen
                outcome = progress(self.stats)
                if inspect.isawaitable(outcome):
                    await outcome
            if self.done:
                return
            await anyio.sleep(poll_interval)
            await self.refresh()

    def _check_succeeded(self) -> None:
        state = self.state
        if state != BatchState.BATCH_STATE_SUCCEEDED:
            raise BatchJobError(self.name, str(getattr(state, "value", state)), self.error)

    async def cancel(self) -> None:
        """Ask the server to cancel the job, then refresh (it ends ``BATCH_STATE_CANCELLED``
        unless it finished first)."""
        await self._operation.cancel()
        await self.refresh()

    async def delete(self) -> None:
        """Delete the job (the server stops it if it still runs)."""
        await self._api.delete(self.name)

    async def results(self) -> AsyncIterator[tuple[str, R | BatchRequestError]]:
        """``async for key, result in job.results()``: every request's response (or its
        :class:`BatchRequestError`), with the key it was submitted under.

        Matched by the key each result carries, never by position. An output file is read
        line by line as it downloads (memory stays flat in its size). Raises
        ``RuntimeError`` while the job runs (``await job.wait()`` first),
        :class:`BatchJobError` if it ended without success and :class:`BatchOutputError`
        for output it cannot read. To stop early and release the download at once, wrap it:
        ``async with contextlib.aclosing(job.results()) as results: ...``.
        """
        if not self.done:
            await self.refresh()
        if not self.done:
            raise RuntimeError(f"batch {self.name!r} has not finished: await job.wait() first")
        self._check_succeeded()
        parse = _parser(self._metadata)
        output = self._output()
        file_name = output.get("responsesFile")
        if isinstance(file_name, str):
            async with self._api.download(file_name) as chunks:
                async for pair in file_results(chunks, parse):
                    yield pair
            return
        inlined = output.get("inlinedResponses")
        if not isinstance(inlined, dict):
            raise BatchOutputError(f"batch {self.name!r} succeeded without any output")
        for pair in inline_results(inlined.get("inlinedResponses", []), parse):
            yield pair

    def _output(self) -> dict[str, Any]:
        """``metadata.output``, or the operation's ``response`` (the live API sends both)."""
        for candidate in (self._metadata.get("output"), self.raw.get("response")):
            if isinstance(candidate, dict):
                return candidate
        return {}
