"""How an emulated batch job runs: its requests are worked through as time passes.

A job spends the first quarter of its duration (``batch_duration``, default
``operation_delay``) ``BATCH_STATE_PENDING``, then ``BATCH_STATE_RUNNING`` while its requests
are answered in proportion to the time elapsed (``batchStats`` follows), and ends
``BATCH_STATE_SUCCEEDED`` with its output: inline responses for inline input, a generated
JSONL ``File`` for file input (read and written line by line, never held whole). A job whose
duration exceeds ``batch_expiry`` ends ``BATCH_STATE_EXPIRED`` at that time instead.
Requests whose key matches a pattern of ``batch_request_failures`` fail with that status.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from ._errors import STATUS_NAMES, ApiError
from ._files import create_file
from ._state import Blob, State
from ._wire import JSON, format_timestamp, now

V1MAIN = "type.googleapis.com/google.ai.generativelanguage.v1main."
PENDING_SHARE = 0.25


class BatchInput:
    """The requests of a job: inline items, or the lines of an uploaded JSONL file."""

    def __init__(self, items: list[JSON] | None = None, path: str | None = None) -> None:
        self._items = items
        self._path = path
        self._offset = 0  # next byte (file) or item index (inline) to read
        self._line = 0
        self.count = len(items) if items is not None else self._count_lines()

    @property
    def from_file(self) -> bool:
        return self._path is not None

    def _count_lines(self) -> int:
        assert self._path is not None
        with open(self._path, "rb") as handle:
            return sum(1 for line in handle if line.strip())

    def take(self, limit: int) -> Iterator[JSON]:
        """The next ``limit`` requests (a line that is not a JSON object raises ``ApiError``)."""
        if self._items is not None:
            start = self._offset
            self._offset = min(len(self._items), start + limit)
            yield from self._items[start : self._offset]
            return
        assert self._path is not None
        with open(self._path, "rb") as handle:
            handle.seek(self._offset)
            taken = 0
            while taken < limit:
                raw = handle.readline()
                if not raw:
                    return
                self._offset += len(raw)
                self._line += 1
                if not raw.strip():
                    continue
                taken += 1
                yield self._parse(raw)

    def _parse(self, raw: bytes) -> JSON:
        try:
            item = json.loads(raw)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            raise ApiError(400, f"Line {self._line} of the input file is not a JSON object.")
        return item


class BatchOutput:
    """Where results go: a list (inline input) or a spool file, hashed as it is written."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.inline: list[JSON] = []
        self.size = 0
        self._hash = hashlib.sha256()
        self._handle: IO[bytes] | None = open(path, "wb") if path else None  # noqa: SIM115

    def add(self, result: JSON) -> None:
        if self._handle is None:
            self.inline.append(result)
            return
        line = json.dumps(result, separators=(",", ":")).encode() + b"\n"
        self._handle.write(line)
        self._hash.update(line)
        self.size += len(line)

    def close(self) -> str:
        """Close the file; return the sha256 hex digest of what was written."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return self._hash.hexdigest()


class BatchRun:
    """One job: advances its metadata (state, ``batchStats``) and writes its output."""

    def __init__(
        self,
        state: State,
        origin: str,
        *,
        kind: str,
        metadata: JSON,
        source: BatchInput,
        run: Callable[[JSON], JSON],
    ) -> None:
        settings = state.settings
        self._state = state
        self._origin = origin
        self._kind = kind
        self._metadata = metadata
        self._source = source
        self._run = run
        self._failures = dict(settings.batch_request_failures)
        duration = settings.batch_duration
        self.duration = max(0.0, settings.operation_delay if duration is None else duration)
        self.expires = self.duration > settings.batch_expiry
        self.delay = min(self.duration, max(0.0, settings.batch_expiry))
        spool = state.spool_path("batch-output-" + self.batch_id) if source.from_file else None
        self._output = BatchOutput(spool)
        self._done = self._ok = 0
        self.failure: ApiError | None = None
        self._update_stats()

    @property
    def batch_id(self) -> str:
        return str(self._metadata["name"]).split("/", 1)[1]

    def _update_stats(self) -> None:
        total = self._source.count
        counts = {
            "requestCount": total,
            "successfulRequestCount": self._ok,
            "failedRequestCount": self._done - self._ok,
            "pendingRequestCount": total - self._done,
        }
        # proto3 JSON: zero counts are left out (as in the recordings).
        self._metadata["batchStats"] = {k: str(v) for k, v in counts.items() if v}

    def _set_state(self, state: str, *, final: bool = False) -> None:
        moment = format_timestamp(now(), digits=9)
        self._metadata["state"] = state
        self._metadata["updateTime"] = moment
        if final:
            self._metadata["endTime"] = moment

    def progress(self, fraction: float) -> None:
        """Called on each refresh before the end: answer the requests due by now."""
        if self.failure is not None or self._metadata["state"] == "BATCH_STATE_CANCELLED":
            return
        if self.expires:
            fraction = fraction * self.delay / self.duration
        if fraction < PENDING_SHARE:
            return
        if self._metadata["state"] == "BATCH_STATE_PENDING":
            self._set_state("BATCH_STATE_RUNNING")
        share = (fraction - PENDING_SHARE) / (1 - PENDING_SHARE)
        self._advance(int(self._source.count * min(1.0, share)))

    def _advance(self, target: int) -> None:
        if target <= self._done:
            return
        try:
            for item in self._source.take(target - self._done):
                self._answer(item)
        except ApiError as error:
            self.failure = error
        self._update_stats()
        self._metadata["updateTime"] = format_timestamp(now(), digits=9)

    def _injected(self, key: Any) -> ApiError | None:
        if not isinstance(key, str):
            return None
        for pattern, status in self._failures.items():
            if fnmatch.fnmatchcase(key, pattern):
                name = STATUS_NAMES.get(int(status), "UNKNOWN")
                return ApiError(int(status), f"Injected failure of request {key!r} ({name}).")
        return None

    def _answer(self, item: JSON) -> None:
        from_file = self._source.from_file
        metadata = item.get("metadata")
        key = item.get("key") if from_file else (metadata or {}).get("key")
        result: JSON = {}
        if from_file and "key" in item:
            result["key"] = item["key"]
        request = item.get("request")
        try:
            if not isinstance(request, dict):
                raise ApiError(400, "* request: request is not specified\n")
            error = self._injected(key)
            if error is not None:
                raise error
            result["response"] = self._run(request)
            self._ok += 1
        except ApiError as error:
            result["error"] = error.rpc_status()
        if not from_file and metadata is not None:
            result["metadata"] = metadata
        self._done += 1
        self._output.add(result)

    def cancel(self) -> None:
        self._set_state("BATCH_STATE_CANCELLED", final=True)
        self._output.close()

    def complete(self) -> JSON | None:
        """Called once when the time is up: finish the job; the operation's ``response``."""
        if self.failure is None and not self.expires:
            self._advance(self._source.count)
        digest = self._output.close()
        if self.failure is not None:
            self._set_state("BATCH_STATE_FAILED", final=True)
            raise self.failure
        if self.expires:
            self._set_state("BATCH_STATE_EXPIRED", final=True)
            raise ApiError(504, "The batch expired before all its requests were processed.")
        output = self._store_output(digest)
        self._metadata["output"] = output
        self._set_state("BATCH_STATE_SUCCEEDED", final=True)
        return {"@type": V1MAIN + self._kind + "Output", **output}

    def _store_output(self, digest: str) -> JSON:
        path = self._output.path
        if path is None:
            return {"inlinedResponses": {"inlinedResponses": self._output.inline}}
        size = self._output.size
        item = create_file(
            self._state,
            self._origin,
            metadata={"name": "batch-" + self.batch_id},
            size=size,
            sha256_hex=digest,
            mime_type="application/jsonl",
            source="GENERATED",
        )
        self._state.blobs[str(item["name"])] = Blob(size, path)
        return {"responsesFile": item["name"]}
