"""``client.batches``: the generated methods plus batch jobs at scale
(:mod:`genlang_async._batch`)."""

from __future__ import annotations

from .._batch.namespace import BatchJobs
from ..resources import batches as generated

__all__ = ["Batches"]


class Batches(BatchJobs, generated.Batches):
    """The ``batches`` methods of the API, plus :meth:`submit`, :meth:`submit_embeddings`
    and :meth:`attach`, which return a :class:`~genlang_async.BatchJob`."""
