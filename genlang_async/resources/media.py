"""``client.media``: uploads with the resumable protocol."""

from __future__ import annotations

from ._generated import MediaBase


class Media(MediaBase):
    """The ``media`` methods of the API."""
