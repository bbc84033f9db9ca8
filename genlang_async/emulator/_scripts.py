"""Scripted responses: exact bodies queued for the next matching requests.

A :class:`Script` holds replies for requests whose path matches a glob; each matching request
takes the next reply (the emulator's own handling is skipped: no validation, no side
effects). Once a script is used up it disappears and normal behaviour resumes.
"""

from __future__ import annotations

import base64
import binascii
import collections
import dataclasses
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from ._matching import Rules, check_pattern, request_matches

_counter = itertools.count(1)

_PAYLOAD_KEYS = ("body", "chunks", "raw", "rawBase64")


@dataclasses.dataclass(frozen=True)
class Reply:
    """One scripted answer: ``status``, a payload, extra ``headers``.

    ``payload`` is a JSON value sent as the body (``dict``), a list of stream chunks
    (``list`` of ``dict``), raw bytes (``bytes`` / ``str``, sent as they are), or ``None``
    (an empty body).
    """

    payload: Any = None
    status: int = 200
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.status, bool) or not isinstance(self.status, int):
            raise TypeError(f"status must be an int, not {type(self.status).__name__}")
        if not 200 <= self.status <= 599:
            raise ValueError(f"status must be within 200..599, got {self.status}")
        payload = self.payload
        if isinstance(payload, list):
            for index, chunk in enumerate(payload):
                if not isinstance(chunk, dict):
                    raise TypeError(
                        f"stream chunk {index} must be a dict (one event), "
                        f"not {type(chunk).__name__}"
                    )
        elif payload is not None and not isinstance(payload, (dict, bytes, str)):
            raise TypeError(
                "a reply body must be a dict, a list of dict chunks, bytes or str, "
                f"not {type(payload).__name__}"
            )
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in self.headers.items()):
            raise TypeError("headers must map str to str")

    @property
    def chunks(self) -> list[dict[str, Any]] | None:
        return self.payload if isinstance(self.payload, list) else None

    @property
    def raw(self) -> bytes | None:
        if isinstance(self.payload, str):
            return self.payload.encode()
        return self.payload if isinstance(self.payload, bytes) else None

    @classmethod
    def of(cls, item: Any) -> Reply:
        """Turn one item of ``Emulator.script``'s list into a ``Reply`` (see there)."""
        if isinstance(item, Reply):
            return item
        if isinstance(item, tuple):
            if len(item) != 2:
                raise TypeError("a tuple reply must be (status, body)")
            return cls(item[1], status=item[0])
        if isinstance(item, bytearray):
            item = bytes(item)
        if isinstance(item, dict):
            return cls(item, status=_error_code(item) or 200)
        if item is None:
            raise TypeError("a reply cannot be None; use Reply(status=...) for an empty body")
        return cls(item)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reply:
        """The JSON form used by the control API and ``--script`` files.

        ``{"body": {...}}``, ``{"chunks": [{...}, ...]}``, ``{"raw": "text"}`` or
        ``{"rawBase64": "..."}``, each with optional ``"status"`` and ``"headers"``.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"a reply must be a JSON object, not {type(data).__name__}")
        unknown = set(data) - {*_PAYLOAD_KEYS, "status", "headers"}
        if unknown:
            raise ValueError(
                f"unknown reply field(s) {sorted(unknown)}; use status, headers and one of "
                f"{list(_PAYLOAD_KEYS)}"
            )
        given = [key for key in _PAYLOAD_KEYS if key in data]
        if len(given) > 1:
            raise ValueError(f"a reply takes one of {list(_PAYLOAD_KEYS)}, got {given}")
        payload: Any = None
        if given == ["body"]:
            payload = data["body"]
            if not isinstance(payload, dict):
                raise TypeError('"body" must be a JSON object; use "raw" for other text')
        elif given == ["chunks"]:
            payload = data["chunks"]
            if not isinstance(payload, list):
                raise TypeError('"chunks" must be a list of JSON objects')
        elif given == ["raw"]:
            payload = data["raw"]
            if not isinstance(payload, str):
                raise TypeError('"raw" must be a string')
        elif given == ["rawBase64"]:
            try:
                payload = base64.b64decode(str(data["rawBase64"]), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f'"rawBase64" is not base64: {exc}') from exc
        status = data.get("status")
        if status is None:
            status = _error_code(payload) or 200
        return cls(payload, status=status, headers=dict(data.get("headers") or {}))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if isinstance(self.payload, dict):
            out["body"] = self.payload
        elif isinstance(self.payload, list):
            out["chunks"] = self.payload
        elif isinstance(self.payload, str):
            out["raw"] = self.payload
        elif isinstance(self.payload, bytes):
            out["rawBase64"] = base64.b64encode(self.payload).decode()
        if self.headers:
            out["headers"] = dict(self.headers)
        return out


def _error_code(payload: Any) -> int | None:
    """``{"error": {"code": 429, ...}}`` answers with that status."""
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        code = payload["error"].get("code")
        if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
            return code
    return None


@dataclasses.dataclass
class Script:
    """Replies for the requests matching ``path`` (and ``method``), served in order."""

    path: str
    replies: collections.deque[Reply]
    method: str | None = None
    regex: bool = False
    id: int = dataclasses.field(default_factory=lambda: next(_counter))
    hits: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path:
            raise TypeError("path must be a non-empty str (a glob such as '/v1beta/models/*')")
        check_pattern(self.path, self.regex)
        if not self.replies:
            raise ValueError("a script needs at least one response")

    def matches(self, method: str, path: str) -> bool:
        return request_matches(self.path, self.regex, self.method, method, path)

    @property
    def remaining(self) -> int:
        return len(self.replies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "method": self.method,
            "regex": self.regex,
            "hits": self.hits,
            "remaining": self.remaining,
            "responses": [reply.to_dict() for reply in self.replies],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Script:
        """``{"path": glob, "responses": [reply, ...], "method": ..., "regex": ...}``."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a script must be a JSON object, not {type(data).__name__}")
        unknown = set(data) - {"path", "responses", "method", "regex"}
        if unknown:
            raise ValueError(f"unknown script field(s) {sorted(unknown)}")
        responses = data.get("responses")
        if not isinstance(responses, list):
            raise TypeError('"responses" must be a list of replies')
        return cls(
            data.get("path", ""),
            collections.deque(_numbered(Reply.from_dict, responses)),
            method=data.get("method"),
            regex=bool(data.get("regex", False)),
        )


def _numbered(convert: Any, items: Iterable[Any]) -> list[Reply]:
    """Convert each item, naming its index in the error of a bad one."""
    out: list[Reply] = []
    for index, item in enumerate(items):
        try:
            out.append(convert(item))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"response {index}: {exc}") from exc
    return out


class ScriptBook(Rules[Script]):
    """The queued scripts. Safe to use from another thread (e.g. ``EmulatorThread``)."""

    def script(
        self,
        path_glob: str,
        responses: Iterable[Any],
        *,
        method: str | None = None,
        regex: bool = False,
    ) -> Script:
        """Answer the next ``len(responses)`` requests matching ``path_glob`` with these replies.

        ``emu.script(...)`` is this method. ``path_glob`` is a shell glob on the URL path
        (``*`` also matches ``/``), e.g. ``"/v1beta/models/*:generateContent"``;
        ``regex=True`` makes it a regular expression, ``method`` restricts it to one HTTP
        verb. Each matching request takes the next item, in order; then the script is gone
        and normal behaviour resumes. Scripts are tried in the order they were added. A
        scripted request skips the emulator's own handling entirely (no key check, no
        validation, no side effects); faults still apply first.

        Each item of ``responses`` is one of:

        * a ``dict``: sent as the JSON body with status 200 (on ``streamGenerateContent``, as
          a one-event stream). A dict shaped ``{"error": {"code": 429, ...}}`` is sent with
          status ``code``, like the API's errors;
        * a ``list`` of ``dict``: the chunks of one streamed answer, written as SSE events
          (``alt=sse``) or as a JSON array, as the API writes ``streamGenerateContent``; an
          ``{"error": {...}}`` chunk is an error event mid-stream;
        * ``bytes`` (or ``str``): the raw body, sent as it is (malformed JSON, odd SSE);
        * ``(status, body)``: the body (any of the above) with that HTTP status;
        * a :class:`Reply` for extra response headers.

        A bad item raises ``TypeError`` / ``ValueError`` naming its index; nothing is queued.
        Returns the :class:`Script` (``.remaining``, ``.hits``, ``.id``;
        ``emu.scripts.remove(script.id)`` drops it early).
        """
        if isinstance(responses, (dict, bytes, str, Reply, tuple)):
            raise TypeError(
                "responses must be a list with one item per call, e.g. [{...}] "
                "(a list of chunks for one streamed call is [[{...}, {...}]])"
            )
        replies = _numbered(Reply.of, responses)
        return self.add(Script(path_glob, collections.deque(replies), method, regex))

    def has_match(self, method: str, path: str) -> bool:
        with self._lock:
            return any(s.matches(method, path) for s in self._rules)

    def take(self, method: str, path: str) -> tuple[Script, Reply] | None:
        """The next reply of the first script matching this request, if any."""
        with self._lock:
            for script in self._rules:
                if script.matches(method, path):
                    script.hits += 1
                    reply = script.replies.popleft()
                    if not script.replies:
                        self._rules.remove(script)
                    return script, reply
        return None
