"""``client.files``: the generated methods plus uploads, downloads and waiting for ACTIVE."""

from __future__ import annotations

from ._generated import FilesBase


class Files(FilesBase):
    """The ``files`` methods of the API."""
