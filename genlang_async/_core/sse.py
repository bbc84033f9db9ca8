"""Sans-I/O, incremental decoder for ``text/event-stream`` (Server-Sent Events).

Bytes go in, :class:`Event` objects come out; no I/O, no event loop, stdlib only. The parsing
rules are those of the WHATWG HTML standard ("Parsing an event stream"):

- lines end with CR, LF or CRLF (a CRLF split across two reads is still one line ending);
- a leading UTF-8 byte order mark is dropped; text is decoded as UTF-8 with replacement;
- a blank line dispatches the pending event (nothing is dispatched when no ``data`` was seen);
- ``data`` lines are joined with ``"\\n"``; one space after the colon is dropped when present;
- ``event`` sets the type (default ``"message"``); ``id`` sets the last event id unless it
  contains NUL; ``retry`` is used only when it is all ASCII digits; other fields are ignored;
- a line starting with ``:`` is a comment; a line without a colon is a field with empty value.

End of stream: a final event whose last line ended with a line ending (CR, LF or CRLF) is
complete even when the blank line after it is missing, and :meth:`SSEDecoder.close`
dispatches it (the live API was seen ending a stream with ``...}\\r\\n`` and EOF). A final
line with no line ending at all may be a truncated frame: it is **discarded**, as the
standard says, and :attr:`SSEDecoder.truncated` tells so after ``close()``, so a caller can
report a cut-off stream. Pass ``dispatch_at_eof=True`` to dispatch even such a line.

Lines may be arbitrarily long. Only newly fed bytes are searched for line endings, and each
byte is scanned and copied a constant number of times, so a multi-megabyte ``data:`` line
fed in small pieces costs linear time.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, AsyncIterator
from typing import NamedTuple

__all__ = ["DEFAULT_MAX_LINE", "Event", "LineTooLongError", "SSEDecoder", "aiter_sse"]

_BOM = b"\xef\xbb\xbf"
#: Longest event-stream line accepted by default (one chunk's JSON is far smaller).
DEFAULT_MAX_LINE = 16 * 1024 * 1024


class Event(NamedTuple):
    """One dispatched server-sent event."""

    event: str = "message"
    """Event type: the last ``event:`` field of the block, ``"message"`` when absent/empty."""
    data: str = ""
    """The ``data:`` lines of the block joined with ``"\\n"``."""
    id: str | None = None
    """The last event id seen on the stream so far (it persists across events), or None."""
    retry: int | None = None
    """Reconnection time in ms from a valid ``retry:`` field of this block, else None."""


class LineTooLongError(ValueError):
    """A line is longer than the decoder's ``max_line``."""


class SSEDecoder:
    """Incremental event-stream decoder.

    >>> decoder = SSEDecoder()
    >>> decoder.feed(b'data: {"a": 1}\\r\\n\\r')
    [Event(event='message', data='{"a": 1}', id=None, retry=None)]
    >>> decoder.feed(b"\\ndata: tail")
    []
    >>> decoder.close()  # the final line has no line ending: discarded, per the standard
    []
    >>> decoder.truncated
    True
    """

    __slots__ = (
        "_bom_pending",
        "_buf",
        "_closed",
        "_data",
        "_dispatch_at_eof",
        "_event_retry",
        "_event_type",
        "_last_id",
        "_max_line",
        "_skip_lf",
        "retry",
        "truncated",
    )

    def __init__(self, *, dispatch_at_eof: bool = False, max_line: int | None = None) -> None:
        self._dispatch_at_eof = dispatch_at_eof
        self._max_line = max_line
        self._buf = bytearray()  # the current, not yet terminated line
        self._bom_pending: bytes | None = b""  # None once the stream start has been seen
        self._skip_lf = False  # the previous read ended with CR: drop one leading LF
        self._data: list[bytes] = []
        self._event_type: bytes = b""
        self._event_retry: int | None = None
        self._last_id: str | None = None
        self._closed = False
        self.retry: int | None = None
        """Latest valid reconnection time (ms) announced by the stream, or None."""
        self.truncated = False
        """After :meth:`close`: True when an incomplete event or line was discarded."""

    @property
    def last_event_id(self) -> str | None:
        """The last event id buffer (None until an ``id`` field is seen)."""
        return self._last_id

    def feed(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Decode another piece of the stream; return the events it completes (maybe none)."""
        if self._closed:
            raise RuntimeError("SSEDecoder.feed() called after close()")
        if not data:
            return []
        chunk = bytes(data)
        if self._bom_pending is not None:
            pending = self._bom_pending + chunk
            if len(pending) < len(_BOM) and _BOM.startswith(pending):
                self._bom_pending = pending
                return []
            self._bom_pending = None
            chunk = pending[len(_BOM) :] if pending.startswith(_BOM) else pending
            if not chunk:
                return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        last = chunk[-1]
        terminated = last == 0x0A or last == 0x0D
        if not terminated and b"\n" not in chunk and b"\r" not in chunk:
            self._buf += chunk  # still inside one line: no re-scan of earlier bytes later
            self._check_line()
            return []
        if self._buf:
            self._buf += chunk
            chunk = bytes(self._buf)
            self._buf.clear()
        lines = chunk.splitlines()  # bytes.splitlines() breaks at exactly CR, LF and CRLF
        if not terminated:
            self._buf += lines.pop()
            self._check_line()
        if self._max_line is not None and max(map(len, lines), default=0) > self._max_line:
            raise LineTooLongError(f"an event-stream line is longer than {self._max_line} bytes")
        if last == 0x0D:
            self._skip_lf = True  # the CR may be the first half of a CRLF split across reads
        return self._process(lines)

    def _check_line(self) -> None:
        if self._max_line is not None and len(self._buf) > self._max_line:
            raise LineTooLongError(f"an event-stream line is longer than {self._max_line} bytes")

    def close(self) -> list[Event]:
        """Signal end of stream; return the final events (see the module docstring)."""
        if self._closed:
            return []
        self._closed = True
        if self._bom_pending:  # a stream of 1-2 bytes that looked like the start of a BOM
            self._buf += self._bom_pending
        self._bom_pending = None
        lines: list[bytes] = []
        if self._buf:
            lines.append(bytes(self._buf))
            self._buf.clear()
        if self._dispatch_at_eof or not lines:
            # every line was terminated: only the blank line is missing, the event is whole
            return self._process([*lines, b""])
        # Per the standard, a final line without a line ending is not processed at all.
        self.truncated = True
        self._data = []
        return []

    def _process(self, lines: list[bytes]) -> list[Event]:
        events: list[Event] = []
        data = self._data
        for line in lines:
            # The common lines first: a ``data:`` field, then the blank line ending the event.
            if line[:5] == b"data:":
                data.append(line[6:] if line[5:6] == b" " else line[5:])
            elif not line:
                if data:
                    events.append(self._dispatch(data))
                    data = self._data = []
                self._event_type = b""
                self._event_retry = None
            elif line[0] != 0x3A:  # not a ":" comment
                self._field(line, data)
        return events

    def _dispatch(self, data: list[bytes]) -> Event:
        payload = (data[0] if len(data) == 1 else b"\n".join(data)).decode("utf-8", "replace")
        etype = self._event_type.decode("utf-8", "replace") if self._event_type else ""
        return _new_event((etype or "message", payload, self._last_id, self._event_retry))

    def _field(self, line: bytes, data: list[bytes]) -> None:
        """A line other than ``data: ...``, a blank line or a comment."""
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":  # "data" without a colon
            data.append(value)
        elif name == b"event":
            self._event_type = value
        elif name == b"id":
            if b"\x00" not in value:
                self._last_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():  # bytes.isdigit(): ASCII digits only
            self.retry = self._event_retry = int(value)


#: Builds an :class:`Event` from its four fields without ``NamedTuple``'s keyword handling.
_new_event = functools.partial(tuple.__new__, Event)


async def aiter_sse(
    chunks: AsyncIterable[bytes], *, dispatch_at_eof: bool = False
) -> AsyncIterator[Event]:
    """Decode an async stream of byte chunks (e.g. an HTTP body) into events."""
    decoder = SSEDecoder(dispatch_at_eof=dispatch_at_eof)
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close():
        yield event
