"""WebSocket connections to the API (the Live API's transport).

:func:`open_websocket` opens one connection with the client's URL, headers and API key rules
and returns a :class:`WebSocket`: send text frames, receive text or binary payloads, close.
Every failure is an SDK error: a refused handshake raises the typed :class:`APIError` of its
status, a lost or unreachable server :class:`APIConnectionError`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import aiohttp
import anyio

from .._core.errors import APIConnectionError, APITimeoutError, api_error_from_response
from .failures import connection_error

if TYPE_CHECKING:
    from .transport import Transport

__all__ = ["ABNORMAL_CLOSURE", "WebSocket", "open_websocket"]

#: Close code reported when the connection ended without a close frame.
ABNORMAL_CLOSURE = 1006
_CLOSE_WAIT = 1.0  # seconds to wait for the server's close frame when we close
_CLOSED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)


class WebSocket:
    """One open WebSocket.

    ``receive`` gives the next payload (``str`` for text frames, ``bytes`` for binary ones)
    or ``None`` once the connection has ended; ``close_code`` and ``close_reason`` then tell
    why (``1006`` when it ended without a close frame). Only one task may receive at a time;
    sends may come from any task.
    """

    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse[Any],
        url: str,
        session: aiohttp.ClientSession | None,
    ) -> None:
        self._ws = ws
        self._url = url
        self._own_session = session
        self.close_code: int | None = None
        self.close_reason = ""

    def __repr__(self) -> str:
        state = "open" if self.close_code is None else f"closed {self.close_code}"
        return f"<WebSocket {self._url} {state}>"

    @property
    def closed(self) -> bool:
        return self.close_code is not None or self._ws.closed

    async def send_text(self, text: str) -> None:
        """Send one text frame; :class:`APIConnectionError` if the connection is gone."""
        try:
            await self._ws.send_str(text)
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as exc:
            raise APIConnectionError(
                f"WebSocket connection lost while sending: {self._url}", method="GET", url=self._url
            ) from exc

    async def receive(self) -> str | bytes | None:
        """The next text or binary payload, or ``None`` once the connection has ended."""
        if self.close_code is not None:
            return None
        try:
            msg = await self._ws.receive()
        except (aiohttp.ClientError, ConnectionError, asyncio.TimeoutError):
            self.close_code = ABNORMAL_CLOSURE
            return None
        kind = msg.type
        if kind is aiohttp.WSMsgType.BINARY or kind is aiohttp.WSMsgType.TEXT:
            data: str | bytes = msg.data
            return data
        if kind in _CLOSED:
            code = msg.data if kind is aiohttp.WSMsgType.CLOSE else self._ws.close_code
            self.close_reason = msg.extra or ""
        else:  # ERROR: a missed heartbeat, a protocol error
            code = ABNORMAL_CLOSURE
        self.close_code = code or ABNORMAL_CLOSURE
        return None

    async def close(self) -> None:
        """Close now: send a close frame, wait up to a second for the server's, then drop the
        connection. Safe to call twice and while the calling task is being cancelled."""
        with anyio.CancelScope(shield=True):
            with (
                anyio.move_on_after(_CLOSE_WAIT),
                contextlib.suppress(aiohttp.ClientError, ConnectionError, asyncio.CancelledError),
            ):
                await self._ws.close()
            if self.close_code is None:
                self.close_code = self._ws.close_code or ABNORMAL_CLOSURE
            if self._own_session is not None:
                session, self._own_session = self._own_session, None
                await session.close()


async def open_websocket(
    transport: Transport, path: str, *, heartbeat: float | None = 30.0
) -> WebSocket:
    """Open a WebSocket to ``path`` (absolute path on the client's host, or a full URL).

    The API key goes in the ``x-goog-api-key`` header, to the configured host only. The
    handshake is bounded by the client's connect timeout. Each WebSocket gets its own small
    connection (not one of the client's pooled ones), so long-lived sessions never starve
    ordinary requests; it is released by :meth:`WebSocket.close`.
    """
    url, headers, shown = transport.build(transport.base_url + "/" + path.lstrip("/"))
    external = transport.pool.external
    session = external or aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None)
    )
    own = None if external is not None else session
    limit = transport.timeout.connect
    try:
        with anyio.fail_after(limit):
            ws = await session.ws_connect(
                url,
                headers=headers,
                heartbeat=heartbeat,
                autoping=True,
                max_msg_size=0,
                **_close_timeout(),
            )
    except aiohttp.WSServerHandshakeError as exc:
        await _close_quietly(own)
        error = api_error_from_response(exc.status, exc.message, exc.headers or {}, b"")
        raise error from None
    except TimeoutError:
        await _close_quietly(own)
        message = f"WebSocket handshake timed out after {limit:g}s: GET {shown}"
        raise APITimeoutError(message, method="GET", url=shown) from None
    except (aiohttp.ClientError, OSError) as exc:
        await _close_quietly(own)
        raise connection_error(exc, "GET", shown, transport.redact, stream=False) from exc
    except BaseException:
        await _close_quietly(own)
        raise
    return WebSocket(ws, shown, own)


def _close_timeout() -> dict[str, Any]:
    timeout_cls = getattr(aiohttp, "ClientWSTimeout", None)
    if timeout_cls is not None:  # aiohttp >= 3.11
        return {"timeout": timeout_cls(ws_receive=None, ws_close=_CLOSE_WAIT)}
    return {"timeout": _CLOSE_WAIT}


async def _close_quietly(session: aiohttp.ClientSession | None) -> None:
    if session is not None:
        with anyio.CancelScope(shield=True):
            await session.close()
