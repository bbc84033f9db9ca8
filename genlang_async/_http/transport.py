"""HTTP transport: the only client-side module that touches aiohttp.

It owns URLs, headers and the API key, timeouts, retries (policy in ``_retry``), error
mapping (``_errors``), response bodies and streams, and the lifecycle of the aiohttp session.

Resource code calls three methods:

* :meth:`Transport.request` - one JSON request, decoded JSON back;
* :meth:`Transport.stream` - an async context manager over the raw body chunks;
* :meth:`Transport.send_raw` - bytes in, status + headers + bytes out (upload protocols).

Session lifecycle: the aiohttp session is created lazily inside the running event loop. When
the client is next used from another loop (two ``asyncio.run`` calls), the old session is
disposed of and a new one made. A session is also closed by the loop's own shutdown
(``asyncio.run`` finalises async generators, and one is registered per session for this), so
a client that was never closed leaves no "Unclosed client session" warning behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as _json
import logging
import random
import time
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, NoReturn, TypeVar

import aiohttp
import anyio
import attrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .._core import retry as _retry
from .._core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    MissingAPIKeyError,
    api_error_from_response,
)
from .._core.options import RequestOptions, Timeout
from .._version import __version__

__all__ = ["ByteStream", "RawResponse", "StreamContext", "Transport"]

#: One encoder for every request body (building one per call costs more than encoding).
_encode_json = _json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

logger = logging.getLogger("genlang_async")

_T = TypeVar("_T")
_KEY_HEADER = "x-goog-api-key"
_SECRET_HEADERS = frozenset({_KEY_HEADER, "authorization", "proxy-authorization", "cookie"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_ERROR_BODY = 1 << 20
_REDACTED = "<redacted>"


# aiohttp >= 3.10 tells connect timeouts apart from read timeouts.
class _Never(Exception):
    pass


_ConnectTimeout: type[BaseException] = getattr(aiohttp, "ConnectionTimeoutError", _Never)
_SocketTimeout: type[BaseException] = getattr(aiohttp, "SocketTimeoutError", _Never)


@attrs.frozen
class RawResponse:
    """A successful (2xx) response as bytes; ``headers`` are case-insensitive."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON (``{}`` when empty)."""
        return _json.loads(self.body) if self.body.strip() else {}


def _origin(url: URL) -> tuple[str, str, int | None]:
    scheme = (url.scheme or "").lower()
    port = url.explicit_port or _DEFAULT_PORTS.get(scheme)
    return scheme, (url.host or "").lower(), port


def _query_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    enum_value = getattr(value, "value", None)
    if isinstance(enum_value, (str, int)):
        return str(enum_value)
    raise TypeError(f"unsupported query parameter value {value!r}")


def encode_query(*queries: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Flatten query mappings: bools as ``true``/``false``, lists repeated, ``None`` dropped.

    A later mapping replaces the earlier mappings' values for the same name.
    """
    merged: dict[str, Any] = {}
    for query in queries:
        if query:
            merged.update(query)
    pairs: list[tuple[str, str]] = []
    for name, value in merged.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((name, _query_value(v)) for v in value if v is not None)
        else:
            pairs.append((name, _query_value(value)))
    return pairs


class _Redactor:
    """Replaces known secrets in text meant for logs and exception messages."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def add_headers(self, headers: Mapping[str, str] | None) -> None:
        for name, value in (headers or {}).items():
            if name.lower() in _SECRET_HEADERS:
                self.add(value)
                self.add(value.split(" ", 1)[-1])

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text


async def _close_at_loop_shutdown(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    # Registered with the loop on first iteration; ``asyncio.run`` (and anyio's runner) call
    # ``aclose()`` on it while the loop is still running, closing the session cleanly.
    try:
        yield
    finally:
        await session.close()


def _drop_dead_transport(transport: Any) -> None:
    """Close the socket under a transport whose event loop can no longer run (best effort)."""
    ssl_protocol = getattr(transport, "_ssl_protocol", None)
    if ssl_protocol is not None:
        with contextlib.suppress(Exception):
            transport._closed = True
        transport = getattr(ssl_protocol, "_transport", None)
    sock = getattr(transport, "_sock", None)
    if sock is not None:
        with contextlib.suppress(Exception):
            transport._sock = None
            sock.close()


def _dispose_without_loop(session: aiohttp.ClientSession) -> None:
    """Forget a session whose loop is closed or not running, without ResourceWarnings."""
    connector: Any = session.connector
    session.detach()
    if connector is None or connector.closed:
        return
    protocols: list[Any] = []
    with contextlib.suppress(Exception):
        for conns in connector._conns.values():
            protocols.extend(proto for proto, _ in conns)
        protocols.extend(connector._acquired)
    for proto in protocols:
        _drop_dead_transport(getattr(proto, "transport", None))
    with contextlib.suppress(Exception):
        connector._close()


class _ReadWatchdog:
    """Fails a response body that receives no bytes for ``limit`` seconds.

    Each chunk only stamps the time; the one timer is re-armed when it fires early, so a
    stream of many small chunks costs no timer work per chunk.
    """

    def __init__(self, limit: float, content: aiohttp.StreamReader) -> None:
        self._loop = asyncio.get_running_loop()
        self._limit = limit
        self._content = content
        self._last = self._loop.time()
        self._handle = self._loop.call_at(self._last + limit, self._check)

    def progress(self) -> None:
        self._last = self._loop.time()

    def stop(self) -> None:
        self._handle.cancel()

    def _check(self) -> None:
        due = self._last + self._limit
        if self._loop.time() < due:
            self._handle = self._loop.call_at(due, self._check)
        else:
            self._content.set_exception(
                aiohttp.ServerTimeoutError(f"no data for {self._limit:g}s while reading the body")
            )


class ByteStream:
    """The body of a streaming response, as raw ``bytes`` chunks in arrival order.

    Iterate with ``async for chunk in stream``. ``status`` and ``headers`` are the response's.
    """

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        transport: Transport,
        url: str,
        read_timeout: float | None,
    ) -> None:
        self._response = response
        self._transport = transport
        self._url = url
        self._done = False
        self.status: int = response.status
        self.headers: Mapping[str, str] = CIMultiDictProxy(CIMultiDict(response.headers))
        self._watchdog: _ReadWatchdog | None = None
        connection = response.connection
        if read_timeout is not None and connection is not None and connection.protocol:
            # The body's read limit moves from aiohttp (which re-arms a timer for every
            # packet) to a watchdog that re-arms only when its timer fires.
            connection.protocol.read_timeout = None
            self._watchdog = _ReadWatchdog(read_timeout, response.content)

    def __aiter__(self) -> ByteStream:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            chunk = await self._response.content.readany()
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError) as exc:
            self._finish()
            self._response.close()
            self._transport._raise_wrapped(exc, self._response.method, self._url, stream=True)
        if not chunk:
            self._finish()
            self._response.release()
            raise StopAsyncIteration
        if self._watchdog is not None:
            self._watchdog.progress()
        return chunk

    def _finish(self) -> None:
        self._done = True
        if self._watchdog is not None:
            self._watchdog.stop()

    def close(self) -> None:
        """Release the connection: back to the pool if the body was read to the end, else
        closed (an unread stream is never drained). Synchronous, so it is safe anywhere."""
        if self._done:
            self._response.release()
        else:
            self._finish()
            self._response.close()

    async def aclose(self) -> None:
        """Same as :meth:`close`, for ``async with`` symmetry."""
        self.close()


class StreamContext:
    """``async with transport.stream(...) as body:`` opens the stream (with retries) and
    always releases the connection on exit, also on cancellation or error."""

    def __init__(self, opener: Callable[[], Awaitable[ByteStream]]) -> None:
        self._opener = opener
        self._stream: ByteStream | None = None

    async def __aenter__(self) -> ByteStream:
        self._stream = await self._opener()
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


class Transport:
    """Sends requests to the Generative Language API over one pooled aiohttp session.

    Args:
        api_key: sent as ``x-goog-api-key`` to the ``base_url`` origin only. ``None``: a
            :class:`MissingAPIKeyError` is raised by the first request that needs it.
        base_url: scheme, host and optional path prefix, e.g.
            ``https://generativelanguage.googleapis.com``.
        api_version: the path segment after ``base_url`` (``v1beta``).
        timeout: default time limits.
        max_retries: default retries after the first attempt.
        default_headers: sent with every request (over the SDK's own headers).
        http_session: a caller-owned session, used as is and never closed here.
        max_connections: size of the connection pool of the session made here.
        max_server_delay: longest server-requested wait (seconds) honoured before retrying;
            a longer ``Retry-After`` raises the error at once.

    ``sleep`` and ``random`` are attributes so tests can replace them.
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        api_version: str = "v1beta",
        timeout: Timeout | None = None,
        max_retries: int = _retry.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_session: aiohttp.ClientSession | None = None,
        max_connections: int = 100,
        max_server_delay: float = _retry.MAX_SERVER_DELAY,
    ) -> None:
        base = URL(base_url)
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        if max_connections < 1:
            raise ValueError("max_connections must be >= 1")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an integer >= 0")
        self._api_key = api_key or None
        self._base_url = base_url.rstrip("/")
        self._base_origin = _origin(base)
        self._api_version = api_version.strip("/")
        self._prefix = "/".join(p for p in (self._base_url, self._api_version) if p) + "/"
        self.timeout = timeout if timeout is not None else Timeout()
        self._timeout_cache: tuple[Timeout, aiohttp.ClientTimeout, aiohttp.ClientTimeout] | None
        self._timeout_cache = None
        self.max_retries = max_retries
        self.max_server_delay = max_server_delay
        self._max_connections = max_connections
        self._redact = _Redactor()
        self._redact.add(self._api_key)
        self._redact.add_headers(default_headers)
        agent = f"genlang-async/{__version__}"
        headers = {"user-agent": agent, "x-goog-api-client": agent}
        headers.update({k.lower(): v for k, v in (default_headers or {}).items()})
        self._headers = headers
        self._external = http_session
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._guard: AsyncGenerator[None, None] | None = None
        self.sleep: Callable[[float], Awaitable[None]] = anyio.sleep
        self.random: Callable[[], float] = random.random

    def __repr__(self) -> str:
        key = "set" if self._api_key else "missing"
        return f"<Transport {self._prefix} api_key={key}>"

    # ----------------------------------------------------------------- configuration

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def api_version(self) -> str:
        return self._api_version

    @property
    def has_api_key(self) -> bool:
        return self._api_key is not None or _KEY_HEADER in self._headers

    def url_for(self, path: str) -> str:
        """``path`` under ``{base_url}/{api_version}/``, or ``path`` itself if absolute."""
        if path.startswith(("http://", "https://")):
            return path
        return self._prefix + path.lstrip("/")

    def _build(
        self,
        path: str,
        query: Mapping[str, Any] | None,
        options: RequestOptions | None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[URL, dict[str, str]]:
        url = URL(self.url_for(path))
        pairs = encode_query(query, options.extra_query if options else None)
        if any(name == "key" for name, _ in pairs):
            raise ValueError("the API key is sent in a header: pass Client(api_key=...)")
        if pairs:
            url = url.extend_query(pairs)
        same_origin = _origin(url) == self._base_origin
        merged = dict(self._headers)
        if same_origin and self._api_key is not None:
            merged[_KEY_HEADER] = self._api_key
        elif (
            same_origin
            and _KEY_HEADER not in merged
            and not (options and options.extra_headers and _has_key_header(options.extra_headers))
        ):
            raise MissingAPIKeyError()
        if content_type is not None:
            merged["content-type"] = content_type
        for extra in (headers, options.extra_headers if options else None):
            if extra:
                self._redact.add_headers(extra)
                merged.update({k.lower(): v for k, v in extra.items()})
        if not same_origin:
            merged.pop(_KEY_HEADER, None)  # whatever its source, the key stays home
        return url, merged

    def _prepare(
        self,
        path: str,
        query: Mapping[str, Any] | None,
        json: Any,
        options: RequestOptions | None,
        *,
        streaming: bool,
    ) -> tuple[URL, dict[str, str], bytes | None, aiohttp.ClientTimeout, str]:
        """URL, headers, JSON body, timeouts and the loggable URL of a JSON request."""
        body: bytes | None = None
        content_type: str | None = None
        if json is not None:
            body = _encode_json(json).encode()
            content_type = "application/json; charset=utf-8"
        url, headers = self._build(path, query, options, content_type)
        timeout = self._timeout(options, streaming=streaming)
        return url, headers, body, timeout, self._redact(str(url))

    def _timeout(self, options: RequestOptions | None, *, streaming: bool) -> aiohttp.ClientTimeout:
        if options is None or options.timeout is None:
            cached = self._timeout_cache
            if cached is None or cached[0] is not self.timeout:
                cached = self._timeout_cache = (
                    self.timeout,
                    self._client_timeout(None, streaming=False),
                    self._client_timeout(None, streaming=True),
                )
            return cached[2] if streaming else cached[1]
        return self._client_timeout(options, streaming=streaming)

    def _client_timeout(
        self, options: RequestOptions | None, *, streaming: bool
    ) -> aiohttp.ClientTimeout:
        timeout = self.timeout
        if options is not None and options.timeout is not None:
            given = Timeout.coerce(options.timeout)
            # A bare number overrides the total only; the client's connect/read still apply.
            timeout = (
                given
                if isinstance(options.timeout, Timeout)
                else attrs.evolve(self.timeout, total=given.total)
            )
        return aiohttp.ClientTimeout(
            total=None if streaming else timeout.total,
            sock_connect=timeout.connect,
            sock_read=timeout.read,
        )

    def _max_retries(self, options: RequestOptions | None) -> int:
        if options is not None and options.max_retries is not None:
            return options.max_retries
        return self.max_retries

    # ----------------------------------------------------------------- session lifecycle

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._external is not None:
            return self._external
        loop = asyncio.get_running_loop()
        while (session := self._session) is not None:
            if self._session_loop is loop and not session.closed:
                return session
            await self._retire_session()  # another task may have made a new one meanwhile
        # No await from here until the session is stored: concurrent callers share it.
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0),
            auto_decompress=True,
        )
        self._session = session
        self._session_loop = loop
        guard = _close_at_loop_shutdown(session)
        await guard.asend(None)
        self._guard = guard
        return session

    async def _retire_session(self) -> None:
        session, loop, guard = self._session, self._session_loop, self._guard
        self._session = self._session_loop = self._guard = None
        if session is None or session.closed:
            return
        current = asyncio.get_running_loop()
        if loop is current:
            if guard is not None:
                await guard.aclose()
            else:
                await session.close()
        elif loop is not None and loop.is_running() and not loop.is_closed():
            # The session's loop runs in another thread: close it there.
            future = asyncio.run_coroutine_threadsafe(session.close(), loop)
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(future)
        else:
            logger.debug("disposing of an HTTP session left open by a finished event loop")
            _dispose_without_loop(session)

    async def aclose(self) -> None:
        """Close the session made here (a caller-owned session is left open)."""
        await self._retire_session()

    @property
    def connections_in_use(self) -> int:
        """Connections currently checked out of the pool (0 when idle)."""
        session = self._external if self._external is not None else self._session
        if session is None or session.closed:
            return 0
        acquired = getattr(session.connector, "_acquired", None)
        return len(acquired) if acquired is not None else 0

    # ----------------------------------------------------------------- errors

    def _raise_wrapped(
        self, exc: BaseException, method: str, url: str, *, stream: bool = False
    ) -> NoReturn:
        where = f"{method} {self._redact(url)}"
        detail = self._redact(str(exc)) or type(exc).__name__
        error: APIConnectionError
        if isinstance(exc, _ConnectTimeout):
            error = APITimeoutError(f"Connect timeout: {where}", method=method, url=url)
            error._failure = _retry.Failure.CONNECT
        elif isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            what = (
                "Read timeout (no data)"
                if isinstance(exc, _SocketTimeout) or stream
                else ("Request timed out")
            )
            error = APITimeoutError(f"{what}: {where}", method=method, url=url)
            error._failure = _retry.Failure.TIMEOUT
        elif isinstance(exc, (aiohttp.ClientSSLError, aiohttp.InvalidURL)):
            error = APIConnectionError(f"{detail}: {where}", method=method, url=url)
            error._failure = _retry.Failure.FATAL
        elif isinstance(exc, aiohttp.ClientConnectorError):
            error = APIConnectionError(f"Cannot connect: {where}: {detail}", method=method, url=url)
            error._failure = _retry.Failure.CONNECT
        elif isinstance(exc, aiohttp.ClientPayloadError):
            error = APIConnectionError(
                f"Connection lost while reading the body: {where}: {detail}", method=method, url=url
            )
            error._failure = _retry.Failure.LOST
        else:
            error = APIConnectionError(
                f"Connection error: {where}: {detail}", method=method, url=url
            )
            error._failure = _retry.Failure.LOST
        raise error from exc

    def _api_error(self, response: aiohttp.ClientResponse, body: bytes) -> APIError:
        headers = CIMultiDictProxy(CIMultiDict(response.headers))
        error = api_error_from_response(response.status, response.reason, headers, body)
        safe = self._redact(error.message)
        if safe != error.message:
            error = type(error)(
                safe,
                status_code=error.status_code,
                status=error.status,
                reason=response.reason,
                details=error.details,
                body=error.body,
                headers=error.headers,
                retry_after=error.retry_after,
            )
        return error

    # ----------------------------------------------------------------- retry loop

    def retry_decision(
        self,
        exc: APIError | APIConnectionError,
        *,
        retries_done: int,
        max_retries: int,
        idempotent: bool,
    ) -> _retry.Decision:
        """Whether, and after how long, to try again after ``exc``: the one retry rule
        (``_retry.decide``) with this client's settings, also for callers that run their own
        loop (uploads)."""
        if isinstance(exc, APIError):
            return _retry.decide(
                retries_done=retries_done,
                max_retries=max_retries,
                idempotent=idempotent,
                status=exc.status_code,
                server_delay=exc.retry_after,
                max_server_delay=self.max_server_delay,
                rand=self.random,
            )
        return _retry.decide(
            retries_done=retries_done,
            max_retries=max_retries,
            idempotent=idempotent,
            failure=getattr(exc, "_failure", _retry.Failure.FATAL),
            max_server_delay=self.max_server_delay,
            rand=self.random,
        )

    async def _with_retries(
        self,
        attempt: Callable[[], Awaitable[_T]],
        *,
        method: str,
        url: str,
        idempotent: bool,
        max_retries: int,
    ) -> _T:
        debug = logger.isEnabledFor(logging.DEBUG)
        retries_done = 0
        while True:
            try:
                return await attempt()
            except (APIError, APIConnectionError) as exc:
                decision = self.retry_decision(
                    exc, retries_done=retries_done, max_retries=max_retries, idempotent=idempotent
                )
                if not decision.retry:
                    if debug:
                        logger.debug("not retrying %s %s: %s", method, url, decision.reason)
                    raise
            retries_done += 1
            if debug:
                logger.debug(
                    "retry %d/%d of %s %s in %.2fs (%s)",
                    retries_done,
                    max_retries,
                    method,
                    url,
                    decision.delay,
                    decision.reason,
                )
            await self.sleep(decision.delay)

    # ----------------------------------------------------------------- public methods

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
        idempotent: bool = True,
    ) -> Any:
        """Send one JSON request and return the decoded JSON body (``{}`` when empty).

        ``path`` is relative to ``{base_url}/{api_version}/`` (``"models/x:generateContent"``)
        or an absolute URL. ``idempotent=False`` (resource-creating calls) narrows retries to
        outcomes where the request certainly had no effect. Raises :class:`APIError`
        subclasses, :class:`APIConnectionError` or :class:`APITimeoutError`.
        """
        method = method.upper()
        url, headers, body, timeout, shown = self._prepare(
            path, query, json, options, streaming=False
        )

        async def attempt() -> Any:
            status, raw = await self._exchange(method, url, shown, headers, body, timeout)
            if not raw.strip():
                return {}
            try:
                return _json.loads(raw)
            except ValueError as exc:
                raise APIError(
                    f"response is not JSON: {raw[:200]!r}", status_code=status, body=raw
                ) from exc

        return await self._with_retries(
            attempt,
            method=method,
            url=shown,
            idempotent=idempotent,
            max_retries=self._max_retries(options),
        )

    async def _exchange(
        self,
        method: str,
        url: URL,
        shown: str,
        headers: Mapping[str, str],
        data: Any,
        client_timeout: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        session = await self._get_session()
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s", method, shown)
        started = time.monotonic()
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=data,
                timeout=client_timeout,
                allow_redirects=False,
            ) as response:
                body = await response.read()
                if debug:
                    logger.debug(
                        "%s %s -> %d (%.0f ms)",
                        method,
                        shown,
                        response.status,
                        (time.monotonic() - started) * 1000,
                    )
                if not 200 <= response.status < 300:
                    raise self._api_error(response, body)
                return response.status, body
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError) as exc:
            if debug:
                logger.debug("%s %s failed: %s", method, shown, self._redact(repr(exc)))
            self._raise_wrapped(exc, method, shown)

    def stream(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
    ) -> StreamContext:
        """Open a streaming request: ``async with transport.stream(...) as body:`` then
        ``async for chunk in body`` gives raw ``bytes`` as they arrive.

        An error status raises the typed error on entering (before any chunk). Retries cover
        opening the stream only. ``Timeout.read`` bounds the wait for each chunk;
        ``Timeout.total`` does not apply. Leaving the block (normally, by an exception or by
        cancellation) releases the connection at once.
        """
        method = method.upper()

        async def open_stream() -> ByteStream:
            url, headers, body, timeout, shown = self._prepare(
                path, query, json, options, streaming=True
            )
            return await self._with_retries(
                lambda: self._open_stream(method, url, shown, headers, body, timeout),
                method=method,
                url=shown,
                idempotent=True,
                max_retries=self._max_retries(options),
            )

        return StreamContext(open_stream)

    async def _open_stream(
        self,
        method: str,
        url: URL,
        shown: str,
        headers: Mapping[str, str],
        body: bytes | None,
        client_timeout: aiohttp.ClientTimeout,
    ) -> ByteStream:
        session = await self._get_session()
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s (stream)", method, shown)
        response: aiohttp.ClientResponse | None = None
        try:
            response = await session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=client_timeout,
                allow_redirects=False,
            )
            if debug:
                logger.debug("%s %s -> %d (stream)", method, shown, response.status)
            if not 200 <= response.status < 300:
                error_body = await _read_limited(response, _MAX_ERROR_BODY)
                response.close()
                raise self._api_error(response, error_body)
            return ByteStream(response, self, shown, client_timeout.sock_read)
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError) as exc:
            if response is not None:
                response.close()
            if debug:
                logger.debug("%s %s failed: %s", method, shown, self._redact(repr(exc)))
            self._raise_wrapped(exc, method, shown, stream=response is not None)
        except BaseException:
            if response is not None:
                response.close()
            raise

    async def send_raw(
        self,
        method: str,
        path_or_url: str,
        *,
        headers: Mapping[str, str],
        data: bytes | AsyncIterable[bytes] | None,
        query: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        retry: bool = False,
    ) -> RawResponse:
        """Send ``data`` as is and return status, headers and body (upload protocols).

        ``headers`` are added to the SDK's (the API key goes only to the base origin). A
        non-2xx status raises the typed :class:`APIError`. ``retry=True`` applies the
        idempotent retry rule, but only when ``data`` is ``bytes`` or ``None`` (an async
        iterable cannot be replayed). ``Timeout.total`` applies unless ``data`` is an async
        iterable (a streamed upload), which is bounded by ``connect`` and ``read`` only.
        """
        method = method.upper()
        url, merged = self._build(path_or_url, query, options, headers=headers)
        replayable = data is None or isinstance(data, (bytes, bytearray, memoryview))
        timeout = self._timeout(options, streaming=not replayable)
        shown = self._redact(str(url))

        async def attempt() -> RawResponse:
            session = await self._get_session()
            debug = logger.isEnabledFor(logging.DEBUG)
            if debug:
                logger.debug("%s %s (raw)", method, shown)
            try:
                async with session.request(
                    method, url, headers=merged, data=data, timeout=timeout, allow_redirects=False
                ) as response:
                    body = await response.read()
                    if debug:
                        logger.debug("%s %s -> %d (raw)", method, shown, response.status)
                    if not 200 <= response.status < 300:
                        raise self._api_error(response, body)
                    return RawResponse(
                        response.status, CIMultiDictProxy(CIMultiDict(response.headers)), body
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError) as exc:
                if debug:
                    logger.debug("%s %s failed: %s", method, shown, self._redact(repr(exc)))
                self._raise_wrapped(exc, method, shown)

        return await self._with_retries(
            attempt,
            method=method,
            url=shown,
            idempotent=True,
            max_retries=self._max_retries(options) if retry and replayable else 0,
        )


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.readany()
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)[:limit]


def _has_key_header(headers: Mapping[str, str]) -> bool:
    return any(name.lower() == _KEY_HEADER for name in headers)
