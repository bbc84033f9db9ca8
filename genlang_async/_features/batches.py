"""``client.batches``: the generated methods plus batch jobs at scale
(:mod:`genlang_async._batch`)."""

from __future__ import annotations

from .._batch.namespace import BatchJobs
from .._observe.raw import raw
from ..resources import batches as generated

__all__ = ["Batches", "BatchesRaw"]


class Batches(BatchJobs, generated.Batches):
    """The ``batches`` methods of the API, plus :meth:`submit`, :meth:`submit_embeddings`
    and :meth:`attach`, which return a :class:`~genlang_async.BatchJob`."""

    @property
    def with_raw_response(self) -> BatchesRaw:
        """These methods, each returning an ``APIResponse``."""
        return BatchesRaw(self)


class BatchesRaw(generated.BatchesRaw):
    """``client.batches.with_raw_response``: the generated methods and the batch jobs'."""

    __slots__ = ()

    attach = raw(Batches.attach)
    submit = raw(Batches.submit)
    submit_embeddings = raw(Batches.submit_embeddings)
