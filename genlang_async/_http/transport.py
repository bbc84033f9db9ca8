"""The request pipeline: every request of a client goes through :class:`Transport`.

It prepares the request (``prepare``), waits for a pooled connection (``session``), tells the
plug-ins (``genlang_async._core.plugins``), sends, maps failures to typed errors
(``failures``) and runs **the** retry loop (:meth:`Transport.retrying`, policy in
``genlang_async._core.retry``). Resource code calls:

* :meth:`Transport.request` - one JSON request, decoded JSON back;
* :meth:`Transport.stream` - an async context manager over the raw body chunks;
* :meth:`Transport.send_raw` - bytes in, status + headers + bytes out (upload protocols);
* :meth:`Transport.retrying` - the retry loop around a caller's own attempt (upload resume).

:meth:`Transport.derive` makes a pipeline with other options over the same pool.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping
from typing import Any, NamedTuple, TypeVar

import aiohttp
import anyio
import attrs
from yarl import URL

from .._core import json_decode
from .._core import retry as _retry
from .._core.errors import (
    APIConnectionError,
    APIError,
    MalformedResponseError,
    ResponseTooLargeError,
)
from .._core.options import RequestOptions, Timeout
from .._core.plugins import Plugin, Request, Response, Retry, StreamEnd, model_of
from .._core.sse import DEFAULT_MAX_LINE
from .body import ByteStream, StreamContext
from .failures import (
    TRANSPORT_ERRORS,
    api_error,
    connection_error,
    frozen_headers,
    redact_bytes,
)
from .prepare import JSON_TYPE, RequestBuilder, encode_json
from .session import SessionPool

__all__ = ["ByteStream", "RawResponse", "StreamContext", "Transport"]

logger = logging.getLogger("genlang_async")

_T = TypeVar("_T")
_MAX_ERROR_BODY = 1 << 20
#: Largest unary response body read by default (a long answer is a few hundred KiB).
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
_UNSET: Any = object()


class _Prepared(NamedTuple):
    """A JSON request ready to send (the same for every attempt)."""

    method: str
    url: URL
    shown: str  # the URL without secrets, for logs and errors
    headers: dict[str, str]
    body: bytes | None
    timeout: aiohttp.ClientTimeout
    pool_wait: float | None
    request: Request | None  # what plug-ins see; None without plug-ins


@attrs.frozen
class RawResponse:
    """A successful (2xx) response as bytes; ``headers`` are case-insensitive."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON (``{}`` when empty)."""
        return json_decode.loads(self.body) if self.body.strip() else {}


class Transport:
    """One client's request pipeline over a (possibly shared) connection pool.

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
        pool: an existing pool to share (``http_session`` and ``max_connections`` are then
            the pool's); it is not closed by :meth:`aclose` of this pipeline.
        plugins: the plug-ins every request passes (see ``genlang_async._core.plugins``).

    ``sleep`` and ``random`` are attributes so tests can replace them; ``plugins`` is a
    plain list.
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
        pool: SessionPool | None = None,
        plugins: list[Plugin] | None = None,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an integer >= 0")
        self._builder = RequestBuilder(
            api_key=api_key,
            base_url=base_url,
            api_version=api_version,
            default_headers=default_headers,
        )
        self.owns_pool = pool is None
        self.pool = pool or SessionPool(max_connections=max_connections, http_session=http_session)
        self.timeout = timeout if timeout is not None else Timeout()
        self._timeouts: tuple[Timeout, aiohttp.ClientTimeout, aiohttp.ClientTimeout] | None = None
        self.max_retries = max_retries
        self.max_server_delay = max_server_delay
        #: Largest unary response body read (``None``: no limit); see ``Client``.
        self.max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
        #: Longest event-stream line read (``None``: no limit); see ``Client``.
        self.max_event_bytes: int | None = DEFAULT_MAX_LINE
        self.plugins: list[Plugin] = list(plugins or ())
        self.sleep: Callable[[float], Awaitable[None]] = anyio.sleep
        self.random: Callable[[], float] = random.random

    def __repr__(self) -> str:
        key = "set" if self.has_api_key else "missing"
        return f"<Transport {self.url_for('')} api_key={key}>"

    def derive(
        self,
        *,
        api_key: str | None = _UNSET,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        plugins: list[Plugin] | None = None,
    ) -> Transport:
        """A pipeline differing only in the options given, over this one's pool (which it
        does not close). ``default_headers`` are added over this pipeline's; ``plugins``
        replaces the list (default: a copy of this one's)."""
        derived = Transport(
            api_key=self._builder.api_key if api_key is _UNSET else api_key,
            base_url=base_url or self.base_url,
            api_version=self.api_version,
            timeout=timeout or self.timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self._builder.default_headers, **(default_headers or {})},
            max_server_delay=self.max_server_delay,
            pool=self.pool,
            plugins=list(self.plugins) if plugins is None else plugins,
        )
        derived.sleep, derived.random = self.sleep, self.random
        return derived

    # ----------------------------------------------------------------- configuration

    @property
    def base_url(self) -> str:
        return self._builder.base_url

    @property
    def api_version(self) -> str:
        return self._builder.api_version

    @property
    def has_api_key(self) -> bool:
        return self._builder.has_api_key

    def url_for(self, path: str) -> str:
        """``path`` under ``{base_url}/{api_version}/``, or ``path`` itself if absolute."""
        return self._builder.url_for(path)

    @property
    def redact(self) -> Callable[[str], str]:
        """Replaces the secrets this pipeline knows in text meant for logs and errors."""
        return self._builder.redact

    def build(
        self,
        path: str,
        query: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[URL, dict[str, str], str]:
        """URL, headers (the key only for the API's origin) and key-free URL text of a
        request this pipeline would send, for protocols it does not speak (WebSockets)."""
        return self._builder.build(path, query, options, headers=headers)

    @property
    def connections_in_use(self) -> int:
        """Connections currently checked out of the pool by requests and open streams."""
        return self.pool.in_use

    async def aclose(self) -> None:
        """Close the pool's session if this pipeline owns it (a caller-owned session and a
        shared pool are left open)."""
        if self.owns_pool:
            await self.pool.aclose()

    def _timeout(self, options: RequestOptions | None, *, streaming: bool) -> aiohttp.ClientTimeout:
        if options is None or options.timeout is None:
            cached = self._timeouts
            if cached is None or cached[0] is not self.timeout:
                cached = self._timeouts = (
                    self.timeout,
                    self._client_timeout(self.timeout, streaming=False),
                    self._client_timeout(self.timeout, streaming=True),
                )
            return cached[2] if streaming else cached[1]
        return self._client_timeout(self._limits(options), streaming=streaming)

    def _limits(self, options: RequestOptions | None) -> Timeout:
        if options is None or options.timeout is None:
            return self.timeout
        if isinstance(options.timeout, Timeout):
            return options.timeout
        # A bare number overrides the total only; the client's other limits still apply.
        return attrs.evolve(self.timeout, total=Timeout.coerce(options.timeout).total)

    @staticmethod
    def _client_timeout(timeout: Timeout, *, streaming: bool) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(
            total=None if streaming else timeout.total,
            sock_connect=timeout.connect,
            sock_read=timeout.read,
        )

    def _max_retries(self, options: RequestOptions | None) -> int:
        if options is not None and options.max_retries is not None:
            return options.max_retries
        return self.max_retries

    # ----------------------------------------------------------------- plug-ins

    def _request_info(
        self,
        method: str,
        path: str,
        shown: str,
        json: Any = None,
        *,
        size: int | None = None,
        stream: bool = False,
    ) -> Request:
        if "?" in path:
            path = path.split("?", 1)[0]
        return Request(method, path, shown, model_of(path), json, size, stream)

    async def _notify_request(self, request: Request, attempt: int) -> None:
        request.attempt = attempt
        for plugin in self.plugins:
            await plugin.on_request(request)

    async def _notify_response(
        self,
        request: Request,
        response: aiohttp.ClientResponse,
        started: float,
        body: Any = None,
        error: Exception | None = None,
    ) -> None:
        event = Response(
            response.status,
            frozen_headers(response.headers),
            time.monotonic() - started,
            body,
            error,
        )
        for plugin in self.plugins:
            await plugin.on_response(request, event)

    async def _notify_stream_end(
        self,
        request: Request,
        completed: bool,
        error: BaseException | None,
        elapsed: float,
        body: ByteStream,
    ) -> None:
        end = StreamEnd(
            elapsed,
            completed,
            body.usage,
            error,
            body.status,
            body.headers,
            body.chunks,
            body.last,
            None if body.texts is None else "".join(body.texts),
        )
        for plugin in self.plugins:
            await plugin.on_stream_end(request, end)

    async def _notify_failure(self, request: Request, error: BaseException) -> None:
        with anyio.CancelScope(shield=True):
            for plugin in self.plugins:
                await plugin.on_failure(request, error)

    # ----------------------------------------------------------------- the retry loop

    def retry_decision(
        self,
        exc: APIError | APIConnectionError,
        *,
        retries_done: int,
        max_retries: int,
        idempotent: bool,
    ) -> _retry.Decision:
        """Whether, and after how long, to try again after ``exc``: the one retry rule
        (``_core.retry.decide``) with this client's settings."""
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

    async def retrying(
        self,
        attempt: Callable[[int], Awaitable[_T]],
        *,
        method: str,
        url: str,
        idempotent: bool,
        max_retries: int,
        request: Request | None = None,
        failed: APIError | APIConnectionError | None = None,
    ) -> _T:
        """**The** retry loop: ``await attempt(n)`` for n = 1, 2, ... until it succeeds or
        :meth:`retry_decision` says stop (then the last error is raised). ``failed``: the
        first attempt was already made (inline) and failed so. ``request`` is what plug-ins
        are told of retries (and of the failure, when the loop gives up or is cancelled);
        ``url`` (key-free) is for the log."""
        try:
            number = 1
            if failed is None:
                try:
                    return await attempt(1)
                except (APIError, APIConnectionError) as exc:
                    failed = exc
            while True:
                decision = self.retry_decision(
                    failed, retries_done=number - 1, max_retries=max_retries, idempotent=idempotent
                )
                if not decision.retry:
                    logger.debug("not retrying %s %s: %s", method, url, decision.reason)
                    raise failed
                logger.debug(
                    "retry %d/%d of %s %s in %.2fs (%s)",
                    number,
                    max_retries,
                    method,
                    url,
                    decision.delay,
                    decision.reason,
                )
                if request is not None and self.plugins:
                    retry = Retry(number, decision.reason, decision.delay, failed)
                    for plugin in self.plugins:
                        await plugin.on_retry(request, retry)
                await self.sleep(decision.delay)
                number += 1
                try:
                    return await attempt(number)
                except (APIError, APIConnectionError) as exc:
                    failed = exc
        except BaseException as exc:
            if request is not None and self.plugins:
                await self._notify_failure(request, exc)
            raise

    # ----------------------------------------------------------------- unary JSON

    def _prepare(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        json: Any,
        options: RequestOptions | None,
        *,
        stream: bool,
    ) -> _Prepared:
        body: bytes | None = None
        content_type: str | None = None
        if json is not None:
            body = encode_json(json)
            content_type = JSON_TYPE
        url, headers, shown = self._builder.build(path, query, options, content_type)
        request = None
        if self.plugins:
            request = self._request_info(method, path, shown, json, stream=stream)
        return _Prepared(
            method,
            url,
            shown,
            headers,
            body,
            self._timeout(options, streaming=stream),
            self._limits(options).pool_wait,
            request,
        )

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
        prepared = self._prepare(method.upper(), path, query, json, options, stream=False)
        try:  # the first attempt inline: no retry machinery unless it fails
            return await self._send_json(prepared, 1)
        except (APIError, APIConnectionError) as exc:
            failed = exc
        except BaseException as exc:  # a cancellation, say
            if prepared.request is not None:
                await self._notify_failure(prepared.request, exc)
            raise
        return await self.retrying(
            functools.partial(self._send_json, prepared),
            method=prepared.method,
            url=prepared.shown,
            idempotent=idempotent,
            max_retries=self._max_retries(options),
            request=prepared.request,
            failed=failed,
        )

    async def _send_json(self, prepared: _Prepared, attempt: int) -> Any:
        method, url, shown, headers, data, client_timeout, pool_wait, request = prepared
        if request is not None:
            await self._notify_request(request, attempt)
        pool = self.pool
        session = pool.ready() or await pool.get()
        slot = pool.take() or await pool.acquire(pool_wait)
        timed = request is not None or logger.isEnabledFor(logging.DEBUG)
        started = time.monotonic() if timed else 0.0
        response = None
        try:
            response = await session.request(
                method,
                url,
                headers=headers,
                data=data,
                timeout=client_timeout,
                allow_redirects=False,
            )
            raw = await _read_body(response, self.max_response_bytes)
        except TRANSPORT_ERRORS as exc:
            if response is not None:
                response.close()
            logger.debug("%s %s failed: %s", method, shown, self._builder.redact(repr(exc)))
            raise connection_error(exc, method, shown, self._builder.redact, stream=False) from exc
        except BaseException:
            if response is not None:
                response.close()
            raise
        finally:
            pool.release(slot)
        status = response.status
        if timed:
            elapsed = (time.monotonic() - started) * 1000
            logger.debug("%s %s -> %d (%.0f ms)", method, shown, status, elapsed)
        if not 200 <= status < 300:
            error = api_error(status, response.reason, response.headers, raw, self._builder.redact)
            if request is not None:
                await self._notify_response(request, response, started, error=error)
            raise error
        if raw[:1] == b"{" or not raw:  # a JSON object, as nearly every answer is
            try:
                value = json_decode.loads(raw) if raw else {}
            except ValueError as exc:
                raise self._not_json(raw, status) from exc
        else:
            value = self._decode_other(raw, response.headers, url, status)
        if request is not None:
            await self._notify_response(request, response, started, body=value)
        return value

    def _decode_other(self, raw: bytes, headers: Mapping[str, str], url: URL, status: int) -> Any:
        """A body that does not start as a JSON object: a binary answer (``alt=proto``)
        read with its method's schema, else JSON text with leading whitespace (or not JSON)."""
        if headers.get("Content-Type", "").startswith("application/x-protobuf"):
            from .._core import protobuf  # loaded by the first binary answer

            schema = protobuf.answer_schema(url.path)
            if schema is None:
                raise MalformedResponseError(
                    f"a binary ({protobuf.CONTENT_TYPE}) answer from {url.path.rpartition('/')[2]}"
                    ", which the SDK reads as JSON only"
                )
            try:
                return protobuf.decode(raw, schema)
            except protobuf.ProtobufError as exc:
                raise MalformedResponseError(f"malformed {schema.full_name}: {exc}") from exc
        try:
            return json_decode.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            raise self._not_json(raw, status) from exc

    def _not_json(self, raw: bytes, status: int) -> APIError:
        raw = redact_bytes(raw, self._builder.redact)
        return APIError(f"response is not JSON: {raw[:200]!r}", status_code=status, body=raw)

    # ----------------------------------------------------------------- streams

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
            prepared = self._prepare(method, path, query, json, options, stream=True)
            return await self.retrying(
                functools.partial(self._open_stream, prepared),
                method=method,
                url=prepared.shown,
                idempotent=True,
                max_retries=self._max_retries(options),
                request=prepared.request,
            )

        return StreamContext(open_stream)

    async def _open_stream(self, prepared: _Prepared, attempt: int) -> ByteStream:
        method, url, shown, headers, data, client_timeout, pool_wait, request = prepared
        if request is not None:
            await self._notify_request(request, attempt)
        session = self.pool.ready() or await self.pool.get()
        slot = self.pool.take() or await self.pool.acquire(pool_wait)
        started = time.monotonic()
        response: aiohttp.ClientResponse | None = None
        try:
            response = await session.request(
                method,
                url,
                headers=headers,
                data=data,
                timeout=client_timeout,
                allow_redirects=False,
            )
            logger.debug("%s %s -> %d (stream)", method, shown, response.status)
            if not 200 <= response.status < 300:
                error_body = await _read_limited(response, _MAX_ERROR_BODY)
                response.close()
                error = api_error(
                    response.status,
                    response.reason,
                    response.headers,
                    error_body,
                    self._builder.redact,
                )
                if request is not None:
                    await self._notify_response(request, response, started, error=error)
                raise error
            on_end = None
            if request is not None:
                on_end = functools.partial(self._notify_stream_end, request)
            stream = ByteStream(
                response,
                url=shown,
                read_timeout=client_timeout.sock_read,
                redact=self._builder.redact,
                release=functools.partial(self.pool.release, slot),
                on_end=on_end,
                started=started,
            )
            if request is not None and request.collect_text:
                stream.texts = []
        except TRANSPORT_ERRORS as exc:
            if response is not None:
                response.close()
            self.pool.release(slot)
            logger.debug("%s %s failed: %s", method, shown, self._builder.redact(repr(exc)))
            raise connection_error(
                exc, method, shown, self._builder.redact, stream=response is not None
            ) from exc
        except BaseException:
            if response is not None:
                response.close()
            self.pool.release(slot)
            raise
        if request is not None:
            await self._notify_response(request, response, started)
            request.json = None  # sent and seen: an open stream does not hold it
        return stream

    # ----------------------------------------------------------------- raw bytes

    async def send_raw(
        self,
        method: str,
        path_or_url: str,
        *,
        headers: Mapping[str, str],
        data: bytes | AsyncIterable[bytes | memoryview] | None,
        query: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        retry: bool = False,
        idempotent: bool = True,
    ) -> RawResponse:
        """Send ``data`` as is and return status, headers and body (upload protocols).

        ``headers`` are added to the SDK's (the API key goes only to the base origin). A
        non-2xx status raises the typed :class:`APIError`. ``retry=True`` applies the retry
        rule (``idempotent`` as for :meth:`request`), but only when ``data`` is ``bytes`` or
        ``None`` (an async iterable cannot be replayed). ``Timeout.total`` applies unless
        ``data`` is an async iterable (a streamed upload), which is bounded by ``connect``
        and ``read`` only.
        """
        method = method.upper()
        url, merged, shown = self._builder.build(path_or_url, query, options, headers=headers)
        replayable = data is None or isinstance(data, (bytes, bytearray, memoryview))
        timeout = self._timeout(options, streaming=not replayable)
        pool_wait = self._limits(options).pool_wait
        request = None
        if self.plugins:
            size = len(data) if isinstance(data, (bytes, bytearray, memoryview)) else None
            request = self._request_info(method, path_or_url, shown, size=size)

        async def attempt(number: int) -> RawResponse:
            if request is not None:
                await self._notify_request(request, number)
            session = await self.pool.get()
            slot = await self.pool.acquire(pool_wait)
            started = time.monotonic()
            try:
                async with session.request(
                    method, url, headers=merged, data=data, timeout=timeout, allow_redirects=False
                ) as response:
                    body = await response.read()
            except TRANSPORT_ERRORS as exc:
                logger.debug("%s %s failed: %s", method, shown, self._builder.redact(repr(exc)))
                raise connection_error(
                    exc, method, shown, self._builder.redact, stream=False
                ) from exc
            finally:
                self.pool.release(slot)
            logger.debug("%s %s -> %d (raw)", method, shown, response.status)
            error = None
            if not 200 <= response.status < 300:
                error = api_error(
                    response.status, response.reason, response.headers, body, self._builder.redact
                )
            if request is not None:
                await self._notify_response(request, response, started, error=error)
            if error is not None:
                raise error
            return RawResponse(response.status, frozen_headers(response.headers), body)

        return await self.retrying(
            attempt,
            method=method,
            url=shown,
            idempotent=idempotent,
            max_retries=self._max_retries(options) if retry and replayable else 0,
            request=request,
        )


async def _read_body(response: aiohttp.ClientResponse, limit: int | None) -> bytes:
    """The whole body, or :class:`ResponseTooLargeError` as soon as it exceeds ``limit``."""
    declared = response.content_length
    if limit is None or (declared is not None and declared <= limit):
        return await response.read()
    if declared is not None:
        raise ResponseTooLargeError(
            f"the response body is {declared} bytes, over max_response_bytes={limit}"
        )
    body = await _read_limited(response, limit + 1)
    if len(body) > limit:
        raise ResponseTooLargeError(f"the response body is over max_response_bytes={limit}")
    return body


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
