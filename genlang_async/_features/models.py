"""``client.models``: the generated methods, with the hand-written features' mixins before
them (declared in ``tools/codegen/api/hand_written.json``): generation
(``response_schema=``, Python callables in ``tools=``) and ``embed_many``."""

from __future__ import annotations

from genlang_async._embed_many import EmbedManyModels

from ..resources import models as generated
from .generation import GenerationModels

__all__ = ["Models"]


class Models(GenerationModels, EmbedManyModels, generated.Models):
    """The ``models`` methods of the API; ``generate_content`` and
    ``stream_generate_content`` also take ``response_schema=`` (structured output) and
    Python callables in ``tools=`` (automatic function calling); plus ``embed_many``."""
