"""The batch-job methods of ``client.batches`` (a mixin of its namespace class)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import BatchApi
from .submit import EMBED, GENERATE, attach, submit

if TYPE_CHECKING:
    from .._http.transport import Transport
    from ..types import EmbedContentResponse, GenerateContentResponse
    from .job import BatchJob
    from .requests import EmbedRequests, GenerateRequests, InputMode

__all__ = ["BatchJobs"]


class BatchJobs:
    """:meth:`submit`, :meth:`submit_embeddings` and :meth:`attach`, which return a
    :class:`~genlang_async.BatchJob`."""

    _transport: Transport

    async def submit(
        self,
        model: str,
        requests: GenerateRequests,
        *,
        display_name: str | None = None,
        input: InputMode = "auto",
    ) -> BatchJob[GenerateContentResponse]:
        """Start a batch of ``generateContent`` requests (``batchGenerateContent``).

        Args:
            model: the model (``"gemini-2.5-flash"`` or ``"models/..."``, ``"tunedModels/..."``).
            requests: a mapping key -> request, or a sync or async iterable of
                ``(key, request)`` pairs; a request is a ``GenerateContentRequest``, its wire
                dict, or a prompt string. Keys are non-empty strings, each used once
                (``ValueError`` otherwise); each result comes back with its key.
            display_name: the job's name in listings (default: ``"genlang_async batch <UTC
                time>"``).
            input: ``"auto"`` sends the requests inline while the request stays within
                the API's 20 MB limit for inline batches and there are at most 1,000 of
                them (inline responses come back in one piece), and otherwise streams them
                into a JSONL file through a resumable upload, never holding them all in
                memory; ``"inline"`` / ``"file"`` force a mode.

        Requests are checked and encoded as they are read, before the job is created; a bad
        one raises ``TypeError`` / ``ValueError`` and no job is made.
        """
        return await submit(
            BatchApi(self._transport),
            model,
            requests,
            kind=GENERATE,
            method="batchGenerateContent",
            display_name=display_name,
            input=input,
        )

    async def submit_embeddings(
        self,
        model: str,
        requests: EmbedRequests,
        *,
        display_name: str | None = None,
        input: InputMode = "auto",
    ) -> BatchJob[EmbedContentResponse]:
        """Start a batch of ``embedContent`` requests (``asyncBatchEmbedContent``): like
        :meth:`submit`, with ``EmbedContentRequest``\\ s, their dicts, or texts."""
        return await submit(
            BatchApi(self._transport),
            model,
            requests,
            kind=EMBED,
            method="asyncBatchEmbedContent",
            display_name=display_name,
            input=input,
        )

    async def attach(self, name: str) -> BatchJob[Any]:
        """The handle of an existing job, e.g. one a previous run of the script submitted:
        ``job = await client.batches.attach(saved_name)``. Fetches it once (``NotFoundError``
        if there is no such job)."""
        return await attach(BatchApi(self._transport), name)
