"""``client.file_search_stores``: the generated methods plus uploading into a store."""

from __future__ import annotations

from ._generated import FileSearchStoresBase


class FileSearchStores(FileSearchStoresBase):
    """The ``fileSearchStores`` methods of the API."""
