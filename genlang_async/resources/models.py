"""``client.models``: the generated methods plus :meth:`Models.embed_many`."""

from __future__ import annotations

from .._embed_many import embed_many
from ._generated import ModelsBase

__all__ = ["Models"]


class Models(ModelsBase):
    """The ``models`` methods of the API, plus :meth:`embed_many`."""

    embed_many = embed_many
