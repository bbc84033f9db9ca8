"""``client.models``: the generated methods plus :meth:`Models.embed_many`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._embed_many import MAX_BATCH_EMBED, embed_many
from ._generated import ModelsBase

if TYPE_CHECKING:
    from .._embed_many import EmbedInput
    from ..types import ContentEmbedding

__all__ = ["Models"]


class Models(ModelsBase):
    """The ``models`` methods of the API, plus :meth:`embed_many`."""

    async def embed_many(
        self,
        model: str,
        texts: Iterable[EmbedInput],
        *,
        batch_size: int = MAX_BATCH_EMBED,
        concurrency: int = 8,
        progress: Callable[[int, int], object] | None = None,
    ) -> list[ContentEmbedding]:
        """Embed any number of texts (or ``EmbedContentRequest``\\ s) and return their
        embeddings in input order.

        Inputs go ``batch_size`` at a time (at most 100, the API's limit) through
        ``batchEmbedContents``, ``concurrency`` calls at once, each retried like any call
        (429 / 5xx / dropped connections, honouring ``Retry-After``). ``progress(done,
        total)`` (may be ``async``) follows each finished call. Every input is checked
        before anything is sent; a call that still fails after its retries cancels the
        others and its error is raised.
        """

        async def call(path: str, body: dict[str, Any]) -> Mapping[str, Any]:
            return await self._call("POST", path, body=body)

        return await embed_many(
            call,
            model,
            texts,
            batch_size=batch_size,
            concurrency=concurrency,
            progress=progress,
        )
