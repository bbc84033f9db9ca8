"""The :class:`Client`: configuration and lifecycle; resource namespaces hang off it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

import attrs

from ._core.errors import GOOGLE_API_ORIGIN
from ._core.options import DEFAULT_TIMEOUT, Timeout, TimeoutLike
from ._core.retry import DEFAULT_MAX_RETRIES
from ._core.secrets import hide_password
from ._core.sse import DEFAULT_MAX_LINE
from ._http.transport import DEFAULT_MAX_RESPONSE_BYTES, Transport
from ._namespaces import Namespaces
from ._observe import log
from ._observe.hooks import Hooks
from ._observe.plugin import Observer
from ._observe.usage import Usage

if TYPE_CHECKING:
    import aiohttp

    from ._chats import Chats
    from ._rate_limiter import RateLimiter
    from .live import Live

__all__ = ["DEFAULT_BASE_URL", "Client"]


class _Unset:
    pass


_UNSET = _Unset()


def _derived_timeout(current: Timeout, given: TimeoutLike | _Unset | None) -> Timeout:
    """``with_options(timeout=...)``: a number replaces the total only (like a per-call
    number), ``None`` removes every limit."""
    if isinstance(given, _Unset):
        return current
    if given is None or isinstance(given, Timeout):
        return Timeout.coerce(given)
    return attrs.evolve(current, total=Timeout.coerce(given).total)


DEFAULT_BASE_URL = GOOGLE_API_ORIGIN


class Client(Namespaces):
    """Async client for the Gemini API (Generative Language API).

    Use it as ``async with Client() as client: ...`` or call ``await client.close()``.

    Args:
        api_key: the API key; default ``GEMINI_API_KEY``, then ``GOOGLE_API_KEY``. When none
            is found, the first request raises :class:`MissingAPIKeyError`.
        base_url: default ``GENLANG_BASE_URL``, then
            ``https://generativelanguage.googleapis.com``.
        api_version: path segment of the API version (``"v1beta"``).
        timeout: a :class:`Timeout`, a number (total seconds per attempt) or ``None`` for no
            limits. Default ``Timeout(connect=10, read=300)``: a stalled connection fails after
            300 s without data; no overall deadline unless ``total`` is set.
        max_retries: retries after the first attempt (default 2, so at most 3 attempts); see
            ``genlang_async._core.retry`` for which failures are retried.
        default_headers: extra headers for every request.
        http_session: a caller-owned ``aiohttp.ClientSession``; used as is, never closed by
            the client (``max_connections`` does not apply to it).
        max_connections: size of the connection pool (default 100).
        max_response_bytes: largest response body read (default 256 MiB; ``None``: no
            limit); a larger one raises :class:`ResponseTooLargeError` without being read.
        max_event_bytes: longest line of a streamed answer (default 16 MiB; ``None``: no
            limit); a longer one raises :class:`ResponseTooLargeError`.
        rate_limiter: a :class:`RateLimiter`: every model call waits for capacity within
            its limits before it is sent (see the rate-limits guide).
        hooks: callbacks for each request, response, retry and stream end (see
            :class:`Hooks`).

    The client creates its HTTP session lazily inside the running event loop and may be used
    from one loop after another (two ``asyncio.run`` calls): a session left by a finished
    loop is disposed of. After :meth:`close` the client opens a new session if used again.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        api_version: str = "v1beta",
        timeout: TimeoutLike | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_session: aiohttp.ClientSession | None = None,
        max_connections: int = 100,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = DEFAULT_MAX_LINE,
        rate_limiter: RateLimiter | None = None,
        hooks: Hooks | None = None,
    ) -> None:
        for name, value in (("api_key", api_key), ("base_url", base_url)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        if hooks is not None and not isinstance(hooks, Hooks):
            raise TypeError(f"hooks must be a genlang_async.Hooks, not {type(hooks).__name__}")
        log.configure_from_env()
        key = api_key or os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")
        url = base_url or os.environ.get("GENLANG_BASE_URL") or DEFAULT_BASE_URL
        self._transport = Transport(
            api_key=key or None,
            base_url=url,
            api_version=api_version,
            timeout=Timeout.coerce(timeout),
            max_retries=max_retries,
            default_headers=default_headers,
            http_session=http_session,
            max_connections=max_connections,
        )
        for name, limit in (
            ("max_response_bytes", max_response_bytes),
            ("max_event_bytes", max_event_bytes),
        ):
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
                raise TypeError(f"{name} must be an int or None, not {type(limit).__name__}")
        self._transport.max_response_bytes = max_response_bytes
        self._transport.max_event_bytes = max_event_bytes
        self._rate_limiter = rate_limiter
        if rate_limiter is not None:
            from ._rate_limiter import RateLimiter

            if not isinstance(rate_limiter, RateLimiter):
                raise TypeError(
                    f"rate_limiter must be a genlang_async.RateLimiter, got {rate_limiter!r}"
                )
            self._transport.plugins.append(rate_limiter.plugin())
        self._hooks = hooks or Hooks()
        self._usage = Usage()
        self._transport.plugins.append(Observer(self._hooks, self._usage, self._transport.redact))

    def with_options(
        self,
        *,
        timeout: TimeoutLike | _Unset | None = _UNSET,
        max_retries: int | None = None,
        base_url: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> Client:
        """A client that differs from this one only in the options given.

        It shares this client's connection pool, hooks and usage totals: nothing new is
        opened, and there is nothing to close separately (closing this client closes the
        pool; closing the copy does nothing).

        Args:
            timeout: a :class:`Timeout`, a number (the total) or ``None`` (no limits).
            max_retries: retries after the first attempt.
            base_url: another endpoint on the same pool (the API key goes only there).
            default_headers: added over this client's headers.
            rate_limiter: a :class:`RateLimiter` for this copy's calls instead of the
                client's (which stays in force for the client itself).
        """
        transport = self._transport
        replaced: tuple[type, ...] = (Observer,)
        if rate_limiter is not None:
            from ._rate_limiter import Pacing, RateLimiter

            if not isinstance(rate_limiter, RateLimiter):
                raise TypeError(
                    f"rate_limiter must be a genlang_async.RateLimiter, got {rate_limiter!r}"
                )
            replaced = (Observer, Pacing)
        derived = transport.derive(
            base_url=base_url,
            timeout=_derived_timeout(transport.timeout, timeout),
            max_retries=max_retries,
            default_headers=default_headers,
            plugins=[p for p in transport.plugins if not isinstance(p, replaced)],
        )
        derived.max_response_bytes = transport.max_response_bytes
        derived.max_event_bytes = transport.max_event_bytes
        if rate_limiter is not None:
            derived.plugins.append(rate_limiter.plugin())
        derived.plugins.append(Observer(self._hooks, self._usage, derived.redact))
        clone = object.__new__(type(self))
        lazy = {
            name
            for klass in type(self).__mro__
            for name, value in vars(klass).items()
            if isinstance(value, cached_property)
        }
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k not in lazy})
        clone._transport = derived
        if rate_limiter is not None:
            clone._rate_limiter = rate_limiter
        return clone

    @property
    def usage(self) -> Usage:
        """Tokens and requests per model since this client was made (shared with its
        :meth:`with_options` copies); see :class:`Usage`."""
        return self._usage

    def __repr__(self) -> str:
        t = self._transport
        key = "set" if t.has_api_key else "missing"
        shown = hide_password(t.base_url)
        return f"Client(base_url={shown!r}, api_version={t.api_version!r}, api_key=<{key}>)"

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def api_version(self) -> str:
        return self._transport.api_version

    @property
    def timeout(self) -> Timeout:
        return self._transport.timeout

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The :class:`RateLimiter` pacing this client's model calls, if any."""
        return self._rate_limiter

    @cached_property
    def chats(self) -> Chats:
        """Multi-turn chats with client-side history: ``client.chats.create(model)``."""
        from ._chats import Chats

        return Chats(self.models)

    @cached_property
    def live(self) -> Live:
        """Realtime Live API sessions over WebSockets: ``client.live.connect(model)``."""
        from .live import Live

        return Live(self._transport)

    @property
    def connections_in_use(self) -> int:
        """Connections currently checked out of the pool; 0 once every response and stream
        has been released."""
        return self._transport.connections_in_use

    async def close(self) -> None:
        """Close the client's HTTP session and its connections (a caller-owned
        ``http_session`` stays open)."""
        await self._transport.aclose()

    async def __aenter__(self) -> Client:
        from ._warmup import warm_up

        await warm_up()  # the first request's imports, off the event loop
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
