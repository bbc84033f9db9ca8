"""In-memory store of every resource, in wire format, keyed by resource name."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ._errors import ApiError, not_found
from ._models import catalogue
from ._settings import EmulatorSettings
from ._wire import JSON, format_timestamp, new_id, now


@dataclasses.dataclass
class Operation:
    """A long-running operation and how it finishes."""

    data: JSON
    started: float
    delay: float
    #: Called once when the operation completes; returns the ``response`` (or raises nothing).
    complete: Callable[[], JSON | None] | None = None
    #: Called on every refresh before completion with the elapsed fraction (0..1).
    progress: Callable[[float], None] | None = None
    #: Called by a cancel request while the operation runs (batches).
    cancel: Callable[[], None] | None = None

    @property
    def done(self) -> bool:
        return bool(self.data.get("done"))


@dataclasses.dataclass
class Blob:
    """Stored bytes of an uploaded or generated file."""

    size: int
    path: str | None  # None when content storage was disabled or over the limit


class State:
    """All emulator data. Not thread-safe; used from the server's event loop only."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self._spool = tempfile.mkdtemp(prefix="genlang-emulator-")
        self._lock = threading.Lock()
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        self.rng = random.Random(self.settings.id_seed)
        self.models: dict[str, JSON] = {m["name"]: m for m in catalogue()}
        self.resources: dict[str, JSON] = {}
        #: Request fields kept but not echoed on reads (e.g. cached contents), by name.
        self.private: dict[str, JSON] = {}
        self.operations: dict[str, Operation] = {}
        self.blobs: dict[str, Blob] = {}
        self.processing: dict[str, float] = {}
        self.embeddings: dict[str, Sequence[float]] = {}
        self.uploads: dict[str, Any] = {}
        self.upload_log: list[JSON] = []
        self.request_log: list[JSON] = []
        #: Live API: resumption handles, every client message received, open connections.
        self.live_handles: dict[str, JSON] = {}
        self.live_log: list[JSON] = []
        self.live_connections = 0
        for entry in os.listdir(self._spool) if os.path.isdir(self._spool) else []:
            path = os.path.join(self._spool, entry)
            if os.path.isfile(path):
                os.unlink(path)

    def close(self) -> None:
        for session in list(self.uploads.values()):
            closer = getattr(session, "discard", None)
            if closer is not None:
                closer()
        shutil.rmtree(self._spool, ignore_errors=True)

    def spool_path(self, stem: str) -> str:
        os.makedirs(self._spool, exist_ok=True)
        return os.path.join(self._spool, stem)

    # -- ids -------------------------------------------------------------------------------
    def new_id(self, length: int = 12) -> str:
        return new_id(self.rng, length)

    def unique_name(self, prefix: str, stem: str = "", length: int = 12) -> str:
        while True:
            suffix = self.new_id(length)
            name = f"{prefix}/{stem}-{suffix}" if stem else f"{prefix}/{suffix}"
            if name not in self.resources and name not in self.operations:
                return name

    # -- resources -------------------------------------------------------------------------
    def get(self, name: str, kind: str) -> JSON:
        self.refresh()
        item = self.resources.get(name)
        if item is None:
            raise not_found(f"{kind} {name} not found.")
        return item

    def put(self, item: JSON) -> JSON:
        self.resources[str(item["name"])] = item
        return item

    def delete(self, name: str) -> None:
        """Remove ``name`` and everything below it (``name/...``)."""
        prefix = name + "/"
        for key in [k for k in self.resources if k == name or k.startswith(prefix)]:
            del self.resources[key]
            self.embeddings.pop(key, None)
            self.private.pop(key, None)
            blob = self.blobs.pop(key, None)
            if blob and blob.path and os.path.exists(blob.path):
                os.unlink(blob.path)

    def children(self, parent: str, collection: str) -> list[JSON]:
        """Direct children ``parent/collection/<id>`` in creation order."""
        self.refresh()
        prefix = f"{parent}/{collection}/" if parent else f"{collection}/"
        return [
            item
            for key, item in self.resources.items()
            if key.startswith(prefix) and "/" not in key[len(prefix) :]
        ]

    def has_children(self, name: str) -> bool:
        prefix = name + "/"
        return any(k.startswith(prefix) for k in self.resources)

    # -- time-driven progress --------------------------------------------------------------
    def refresh(self) -> None:
        """Advance file processing and long-running operations to the present."""
        moment = now()
        for name, ready_at in list(self.processing.items()):
            if moment >= ready_at:
                del self.processing[name]
                item = self.resources.get(name)
                if item is not None and item.get("state") == "PROCESSING":
                    item["state"] = "ACTIVE"
                    item["updateTime"] = format_timestamp(moment)
        for op in list(self.operations.values()):
            if op.done:
                continue
            elapsed = moment - op.started
            if elapsed >= op.delay:
                try:
                    response = op.complete() if op.complete else None
                except ApiError as error:
                    op.data["error"] = error.rpc_status()
                    response = None
                op.data["done"] = True
                if response is not None and "error" not in op.data:
                    op.data["response"] = response
            elif op.progress is not None:
                op.progress(elapsed / op.delay if op.delay else 1.0)

    def add_operation(self, op: Operation) -> Operation:
        self.operations[str(op.data["name"])] = op
        return op

    def get_operation(self, name: str) -> Operation:
        self.refresh()
        op = self.operations.get(name)
        if op is None:
            raise not_found(f"Operation {name} not found.")
        return op

    def operations_under(self, prefix: str) -> Iterator[Operation]:
        self.refresh()
        for name, op in self.operations.items():
            if name.startswith(prefix):
                yield op

    # -- stored bytes ----------------------------------------------------------------------
    def write_blob(self, name: str, data: bytes) -> Blob:
        """Keep ``data`` as the content of resource ``name`` (on disk, in the spool dir)."""
        path: str | None = None
        if self.settings.store_upload_content and len(data) <= self.settings.max_stored_file_bytes:
            path = self.spool_path("blob-" + name.replace("/", "_"))
            with open(path, "wb") as handle:
                handle.write(data)
        blob = Blob(len(data), path)
        self.blobs[name] = blob
        return blob

    def read_blob(self, name: str) -> bytes | None:
        blob = self.blobs.get(name)
        if blob is None or blob.path is None:
            return None
        with open(blob.path, "rb") as handle:
            return handle.read()
