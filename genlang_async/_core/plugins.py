"""The pipeline's plug-in slot: what a plug-in sees of each request, and the base class.

Every request the client sends (unary calls, stream openings, list pages, operation polls,
upload chunks) passes the plug-ins listed on its pipeline once per attempt, in list order:

1. ``await plugin.on_request(request)`` just before sending (a rate limiter may wait here);
2. ``await plugin.on_response(request, response)`` once the status and headers are in: for a
   unary call after the body is read (``response.body`` is the decoded JSON), for an error
   status with ``response.error`` set; for a stream as soon as it opens (``body`` is
   ``None``; the end comes to ``on_stream_end``);
3. ``await plugin.on_retry(request, retry)`` when a failed attempt will be tried again
   (after ``on_response`` if there was a response);
4. ``await plugin.on_stream_end(request, end)`` once per opened stream, when it ends, fails,
   is cancelled or is closed (its ``usage`` is the last ``usageMetadata`` seen);
5. ``await plugin.on_failure(request, error)`` once when the call gives up: its last attempt
   failed (error status or connection failure) and is not retried, the response could not
   be decoded, or the call was cancelled (``error`` is then the cancellation).

The objects carry no API key: ``url`` is redacted and no headers of the request are kept.
With no plug-ins the pipeline builds none of these objects.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["Plugin", "Request", "Response", "Retry", "StreamEnd", "model_of"]


@functools.lru_cache(maxsize=512)  # a client calls few distinct paths, each many times
def model_of(path: str) -> str | None:
    """The model a request is for (``models/x`` or ``tunedModels/x``), from its path."""
    for prefix in ("models/", "tunedModels/"):
        start = path.find(prefix)
        if start == 0 or (start > 0 and path[start - 1] == "/"):
            name = path[start:].split("?", 1)[0]
            head, _, rest = name.partition("/")
            model_id = rest.split(":", 1)[0].split("/", 1)[0]
            return f"{head}/{model_id}" if model_id else None
    return None


@attrs.define(slots=True, eq=False)
class Request:
    """One request through the pipeline; ``attempt`` counts from 1 and grows on retries.

    Attributes:
        method: ``"POST"``, ``"GET"``, ...
        path: the path under the API version (``"models/x:generateContent"``), or the
            absolute URL for upload sessions, without the query string.
        url: the full URL as sent, key-free.
        model: ``models/...`` or ``tunedModels/...`` when the path names one, else ``None``.
        json: the JSON body before encoding (``None`` for bodiless and raw requests; for a
            stream, once it has opened: ``on_stream_end`` sees ``None``).
        size: the body size in bytes when it is raw bytes (upload chunks), else ``None``.
        stream: whether the response is read as a stream.
        collect_text: a plug-in sets it (in ``on_request``) to get a stream's text joined in
            ``StreamEnd.text``.
        attempt: 1 for the first try.
        state: free per-request room for plug-ins (keyed by the plug-in's own name).
    """

    method: str
    path: str
    url: str
    model: str | None
    json: Any = None
    size: int | None = None
    stream: bool = False
    collect_text: bool = False
    attempt: int = 1
    state: dict[str, Any] = attrs.Factory(dict)


@attrs.define(slots=True, eq=False)
class Response:
    """What came back for one attempt.

    Attributes:
        status: the HTTP status.
        headers: the response headers (case-insensitive).
        elapsed: seconds from sending to the body read (to the headers for a stream).
        body: the decoded JSON body of a successful unary call, else ``None`` (read it, do
            not change it: the call's result may be built from it later).
        error: the typed :class:`APIError` for an error status, else ``None``.
    """

    status: int
    headers: Mapping[str, str]
    elapsed: float
    body: Any = None
    error: Exception | None = None


@attrs.define(slots=True, eq=False)
class Retry:
    """A failed attempt that will be retried after ``delay`` seconds.

    Attributes:
        attempt: the attempt that failed (from 1); the next one is ``attempt + 1``.
        reason: why it is retried (``"HTTP 429"``, ``"connection lost"``, ...).
        delay: seconds until the next attempt.
        error: the failure (an :class:`APIError` or :class:`APIConnectionError`).
    """

    attempt: int
    reason: str
    delay: float
    error: Exception


@attrs.define(slots=True, eq=False)
class StreamEnd:
    """An opened stream is over.

    Attributes:
        elapsed: seconds from sending to the end.
        completed: the body was read to its end.
        usage: the last ``usageMetadata`` the stream carried (wire JSON), if any.
        error: what ended it early (also a cancellation), else ``None``.
        status: the stream's HTTP status.
        headers: its response headers.
        chunks: how many chunks (events with a payload) were read.
        last: the last chunk (wire JSON), if any.
        text: the chunks' text joined, when ``Request.collect_text`` was set.
    """

    elapsed: float
    completed: bool
    usage: Mapping[str, Any] | None = None
    error: BaseException | None = None
    status: int = 200
    headers: Mapping[str, str] = attrs.Factory(dict)
    chunks: int = 0
    last: Mapping[str, Any] | None = None
    text: str | None = None


class Plugin:
    """Base of the pipeline's plug-ins: override the methods you need (each is a no-op here).

    Add one with ``client._transport.plugins.append(plugin)``. A method that raises fails
    the request (``on_request``) or surfaces from the call; plug-ins must not swallow
    cancellation.
    """

    async def on_request(self, request: Request) -> None:
        """Before each attempt is sent."""

    async def on_response(self, request: Request, response: Response) -> None:
        """After each attempt's response (success or error status)."""

    async def on_retry(self, request: Request, retry: Retry) -> None:
        """A failed attempt will be retried after ``retry.delay``."""

    async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
        """An opened stream ended, failed, was cancelled or closed."""

    async def on_failure(self, request: Request, error: BaseException) -> None:
        """The call gave up with ``error`` (also a cancellation); no more attempts follow."""
