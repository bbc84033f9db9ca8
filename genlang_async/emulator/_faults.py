"""Count-limited fault injection: errors, delays, dropped connections, malformed bodies."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from typing import Any

from ._errors import ApiError, retry_info
from ._matching import Rules, check_pattern, request_matches
from ._typed import check_fields

ACTIONS = (
    "error",
    "delay",
    "drop",
    "drop_response",
    "drop_stream",
    "malformed",
    "stream_error",
    "live_go_away",
    "drop_live",
)
#: Actions that apply to Live API WebSocket connections (see ``_live``), not to requests.
LIVE_ACTIONS = ("live_go_away", "drop_live")

_counter = itertools.count(1)


@dataclasses.dataclass
class Fault:
    """One rule. It applies to the next ``times`` requests that match it, then disappears.

    ``action``:
      * ``error``: answer ``status`` with an API error body (``retry_after`` adds a
        ``Retry-After`` header, ``retry_delay`` a ``google.rpc.RetryInfo`` detail);
      * ``delay``: wait ``delay`` seconds, then serve the request normally;
      * ``drop``: close the connection without handling the request;
      * ``drop_response``: handle the request (side effects happen, e.g. an upload chunk is
        stored), then send only the first ``after_bytes`` bytes of the response and close;
      * ``drop_stream``: on streaming responses, close after ``after_chunks`` events;
      * ``malformed``: JSON bodies are cut in half; streams send ``after_chunks`` good events
        then one broken ``data:`` line;
      * ``stream_error``: streams send ``after_chunks`` good events, then one event holding
        an API error body (``status``, ``message``), as the API does when it fails mid-stream;
      * ``live_go_away`` (Live connections): ``delay`` seconds after setup, send ``goAway``
        and close the connection ``time_left`` seconds later;
      * ``drop_live`` (Live connections): cut the connection without a close frame after
        ``after_chunks`` server messages following ``setupComplete`` (or after ``delay``
        seconds when that is set).
    """

    action: str = "error"
    path: str = "*"
    method: str | None = None
    regex: bool = False
    times: int = 1
    status: int = 503
    message: str | None = None
    retry_after: float | None = None
    retry_delay: float | None = None
    delay: float = 0.0
    after_bytes: int = 0
    after_chunks: int = 0
    time_left: float = 1.0
    #: Request headers that must be present and contain the given text (case-insensitive).
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    id: int = dataclasses.field(default_factory=lambda: next(_counter))
    hits: int = 0

    def __post_init__(self) -> None:
        check_fields(self)
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; use one of {ACTIONS}")
        if self.times < 1:
            raise ValueError("times must be >= 1")
        if not 400 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599), not {self.status}")
        for name in ("retry_after", "retry_delay"):
            seconds = getattr(self, name)
            if seconds is not None and not 0 <= seconds < 1e12:  # NaN and infinity too
                raise ValueError(f"{name} must be a number of seconds >= 0, not {seconds}")
        if min(self.delay, self.after_bytes, self.after_chunks) < 0:
            raise ValueError("delay, after_bytes and after_chunks must not be negative")
        check_pattern(self.path, self.regex)

    def matches(self, method: str, path: str, headers: Mapping[str, str]) -> bool:
        if not request_matches(self.path, self.regex, self.method, method, path):
            return False
        for key, text in self.headers.items():
            value = headers.get(key)
            if value is None or text.lower() not in value.lower():
                return False
        return True

    def error(self) -> ApiError:
        details = [retry_info(self.retry_delay)] if self.retry_delay is not None else None
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            seconds = self.retry_after
            headers["Retry-After"] = str(int(seconds)) if seconds == int(seconds) else str(seconds)
        message = self.message or f"Injected fault (HTTP {self.status})."
        return ApiError(self.status, message, details=details, headers=headers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "path": self.path,
            "method": self.method,
            "regex": self.regex,
            "times": self.times,
            "hits": self.hits,
            "status": self.status,
            "message": self.message,
            "retryAfter": self.retry_after,
            "retryDelay": self.retry_delay,
            "delay": self.delay,
            "afterBytes": self.after_bytes,
            "afterChunks": self.after_chunks,
            "timeLeft": self.time_left,
            "headers": dict(self.headers),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        names = {
            "action": "action",
            "path": "path",
            "method": "method",
            "regex": "regex",
            "times": "times",
            "status": "status",
            "message": "message",
            "retryAfter": "retry_after",
            "retry_after": "retry_after",
            "retryDelay": "retry_delay",
            "retry_delay": "retry_delay",
            "delay": "delay",
            "afterBytes": "after_bytes",
            "after_bytes": "after_bytes",
            "afterChunks": "after_chunks",
            "after_chunks": "after_chunks",
            "timeLeft": "time_left",
            "time_left": "time_left",
            "headers": "headers",
        }
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names:
                raise ValueError(f"unknown fault field {key!r}")
            kwargs[names[key]] = value
        return cls(**kwargs)


class FaultInjector(Rules[Fault]):
    """The active fault rules. Safe to use from another thread (e.g. ``EmulatorThread``)."""

    def fail(
        self,
        path: str = "*",
        *,
        status: int = 503,
        times: int = 1,
        method: str | None = None,
        retry_after: float | None = None,
        retry_delay: float | None = None,
        message: str | None = None,
        regex: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests with an error ``status``."""
        return self.add(
            Fault("error", path, method, regex, times, status, message, retry_after, retry_delay)
        )

    def delay(
        self,
        path: str = "*",
        seconds: float = 1.0,
        *,
        times: int = 1,
        method: str | None = None,
        regex: bool = False,
    ) -> Fault:
        """Delay the next ``times`` matching requests by ``seconds`` before serving them."""
        return self.add(Fault("delay", path, method, regex, times, delay=seconds))

    def drop_request(
        self, path: str = "*", *, times: int = 1, method: str | None = None, regex: bool = False
    ) -> Fault:
        """Close the connection of the next matching requests without handling them."""
        return self.add(Fault("drop", path, method, regex, times))

    def drop_response(
        self,
        path: str = "*",
        *,
        after_bytes: int = 0,
        times: int = 1,
        method: str | None = None,
        regex: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Handle matching requests but close the connection after ``after_bytes`` of reply."""
        return self.add(
            Fault(
                "drop_response",
                path,
                method,
                regex,
                times,
                after_bytes=after_bytes,
                headers=headers or {},
            )
        )

    def drop_stream(
        self,
        path: str = "*",
        *,
        after_chunks: int = 1,
        times: int = 1,
        method: str | None = None,
        regex: bool = False,
    ) -> Fault:
        """Close streaming responses after ``after_chunks`` events."""
        return self.add(Fault("drop_stream", path, method, regex, times, after_chunks=after_chunks))

    def malformed(
        self,
        path: str = "*",
        *,
        after_chunks: int = 0,
        times: int = 1,
        method: str | None = None,
        regex: bool = False,
    ) -> Fault:
        """Send a broken JSON body, or a broken event after ``after_chunks`` good ones."""
        return self.add(Fault("malformed", path, method, regex, times, after_chunks=after_chunks))

    def stream_error(
        self,
        path: str = "*",
        *,
        after_chunks: int = 1,
        status: int = 500,
        message: str | None = None,
        times: int = 1,
        method: str | None = None,
        regex: bool = False,
    ) -> Fault:
        """End streaming responses with an ``{"error": ...}`` event after ``after_chunks``."""
        return self.add(
            Fault(
                "stream_error",
                path,
                method,
                regex,
                times,
                status=status,
                message=message,
                after_chunks=after_chunks,
            )
        )

    def lose_upload_chunk(self, *, times: int = 1, path: str = "/upload/*") -> Fault:
        """Store the next upload chunk's bytes but close before acknowledging them."""
        return self.drop_response(
            path, times=times, method="POST", headers={"X-Goog-Upload-Command": "upload"}
        )

    def live_go_away(
        self, *, after_s: float = 0.0, time_left_s: float = 1.0, times: int = 1
    ) -> Fault:
        """On the next ``times`` Live connections: ``goAway`` ``after_s`` seconds after setup,
        then close ``time_left_s`` seconds later."""
        return self.add(Fault("live_go_away", times=times, delay=after_s, time_left=time_left_s))

    def drop_live(self, *, after_messages: int = 1, after_s: float = 0.0, times: int = 1) -> Fault:
        """Cut the next ``times`` Live connections without a close frame, after
        ``after_messages`` server messages following ``setupComplete`` (or ``after_s``
        seconds after setup when given)."""
        return self.add(Fault("drop_live", times=times, delay=after_s, after_chunks=after_messages))

    def take_live(self) -> list[Fault]:
        """Every Live connection rule (each loses one use) for a new Live connection."""
        with self._lock:
            taken = [f for f in self._rules if f.action in LIVE_ACTIONS]
            for fault in taken:
                fault.hits += 1
                fault.times -= 1
                if fault.times <= 0:
                    self._rules.remove(fault)
            return taken

    def take(self, method: str, path: str, headers: Mapping[str, str]) -> Fault | None:
        """The first rule matching this request (consuming one of its uses), if any."""
        with self._lock:
            for fault in self._rules:
                if fault.action not in LIVE_ACTIONS and fault.matches(method, path, headers):
                    fault.hits += 1
                    fault.times -= 1
                    if fault.times <= 0:
                        self._rules.remove(fault)
                    return fault
        return None
