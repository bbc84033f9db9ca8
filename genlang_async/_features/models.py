"""``client.models``: the generated methods, with the hand-written features' mixins before
them (declared in ``tools/codegen/api/hand_written.json``): generation
(``response_schema=``, Python callables in ``tools=``) and ``embed_many``; ``embed_content``
refuses a list of texts that would be embedded as one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genlang_async._embed_many import EmbedManyModels

from .._observe.raw import raw, raw_stream
from ..resources import models as generated
from .generation import GenerationModels

if TYPE_CHECKING:
    from genlang_async._core.coerce import ContentLike
    from genlang_async.types import EmbedContentResponse

__all__ = ["Models", "ModelsRaw"]


class Models(GenerationModels, EmbedManyModels, generated.Models):
    """The ``models`` methods of the API; ``generate_content`` and
    ``stream_generate_content`` also take ``response_schema=`` (structured output) and
    Python callables in ``tools=`` (automatic function calling); :meth:`embed_many` embeds
    any number of texts."""

    async def embed_content(
        self, model: str, *, content: ContentLike, **arguments: Any
    ) -> EmbedContentResponse:
        if isinstance(content, (list, tuple)) and sum(isinstance(p, str) for p in content) > 1:
            raise ValueError(
                "content is one input: a list of texts would be embedded together, as one "
                "embedding. For one embedding per text use batch_embed_contents(model, "
                'requests=[{"content": {"parts": [{"text": text}]}} for text in texts]); to '
                "embed one input of several parts, pass a Content"
            )
        return await super().embed_content(model, content=content, **arguments)

    embed_content.__wrapped__ = generated.Models.embed_content  # type: ignore[attr-defined]
    embed_content.__doc__ = generated.Models.embed_content.__doc__

    @property
    def with_raw_response(self) -> ModelsRaw:
        """These methods, each returning an ``APIResponse``."""
        return ModelsRaw(self)


# Bound outside the class: mypy would type an attribute that overrides one of the base
# class by the base's type (the generated methods, without ``response_schema=``).
_generate_content = raw(Models.generate_content)
_stream_generate_content = raw_stream(Models.stream_generate_content)


class ModelsRaw(generated.ModelsRaw):
    """``client.models.with_raw_response``: the methods of ``client.models``, each returning
    an ``APIResponse`` (``embed_content`` is typed as the generated method it passes its
    arguments to)."""

    __slots__ = ()

    embed_many = raw(Models.embed_many)
    generate_content = _generate_content
    stream_generate_content = _stream_generate_content  # type: ignore[assignment]
