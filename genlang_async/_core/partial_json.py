"""An incremental JSON parser: text in pieces, the parsed-so-far value out (pure).

    parser = PartialJSONParser()
    parser.feed('{"name": "Ada", "tags": ["x", "y')
    parser.value          # {"name": "Ada"}
    parser.feed('"], "n": 1')
    parser.value          # {"name": "Ada", "tags": ["x", "y"]}
    parser.close()        # PartialJSONError: the text ended before the value did

The value holds every complete member and item, inside the objects and arrays still open;
the incomplete tail (a string, number or key not yet finished, a member without its value)
is left out. An object or array inside another appears once it is complete, or, when it
grows past 4 KiB unfinished, as it fills. The top-level object or array appears as soon as
it opens.

Complete values are parsed by the C scanner of :mod:`json` in one call each; only the large
open containers are walked token by token, and an unfinished small one is scanned again only
once its text has doubled, so the cost grows linearly with the text whatever the sizes of
the pieces (a string split across many pieces is kept as pieces and joined once).

The value is one object that grows in place: containers handed out earlier are the same
objects, filled further by later pieces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.scanner import make_scanner
from typing import Any

__all__ = ["PartialJSONError", "PartialJSONParser"]

# The C scanner of the json module: a complete value at an index, and a string's rest.
_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: A number that may still go on (``-``, ``1.``, ``2e``...) when it reaches the end of text.
_NUMBER_PREFIX = re.compile(r"-?(?:0|[1-9][0-9]*)?(?:\.[0-9]*)?(?:[eE][-+]?[0-9]*)?\Z")
_LITERALS = ("true", "false", "null")
#: Unfinished objects and arrays up to this size (inside another) are kept as text and
#: scanned whole later; larger ones are walked token by token so their members show.
_DEFER_LIMIT = 4096

# What an open container expects next.
_VALUE_OR_END = 0  # after "[" (a value or "]")
_KEY_OR_END = 1  # after "{" (a key or "}")
_KEY = 2  # after "," in an object
_COLON = 3
_VALUE = 4  # after ":" or "," in an array
_COMMA_OR_END = 5


class PartialJSONError(ValueError):
    """The text is not JSON (found as soon as the offending character arrives)."""


class _Frame:
    """An open object or array and what it expects next."""

    __slots__ = ("container", "key", "state")

    def __init__(self, container: dict[str, Any] | list[Any]) -> None:
        self.container = container
        self.state = _KEY_OR_END if isinstance(container, dict) else _VALUE_OR_END
        self.key = ""


class PartialJSONParser:
    """Parses one JSON text fed in pieces; see the module docstring."""

    def __init__(self) -> None:
        self._stack: list[_Frame] = []
        self._rest = ""  # text not consumed yet: an unfinished number, literal or container
        self._retry_at = 0  # how long ``_rest`` must grow before an unfinished container is retried
        self._pieces: list[str] | None = None  # an unfinished string, opening quote included
        self._escape = False  # the unfinished string ends with the backslash of an escape
        self._root: Any = None
        self._complete = False

    @property
    def value(self) -> Any:
        """The parsed-so-far value (``None`` before anything has been parsed)."""
        return self._root

    def feed(self, text: str) -> bool:
        """Parse a further piece; return whether the value changed.

        Raises :class:`PartialJSONError` as soon as the text cannot be JSON."""
        changed = False
        if self._pieces is not None:
            text, changed = self._continue_string(text)
            if self._pieces is not None:
                return False
        if self._rest:
            text = self._rest + text
            if len(text) < self._retry_at:
                self._rest = text
                return changed
        return self._parse(text, final=False) or changed

    def close(self) -> Any:
        """Finish: return the whole value; :class:`PartialJSONError` when the text ended
        before the value did."""
        self.finish()
        if not self._complete or self._pieces is not None:
            raise PartialJSONError("the JSON text ended before its value was complete")
        return self._root

    def finish(self) -> bool:
        """The text has ended: parse what was kept back waiting for more (a number, a small
        unfinished container); return whether the value changed."""
        rest, self._rest = self._rest, ""
        return bool(rest) and self._parse(rest, final=True)

    # -- internals ------------------------------------------------------------------------

    def _parse(self, text: str, *, final: bool) -> bool:
        """Consume ``text`` as far as it goes; keep an unfinished tail for the next piece."""
        changed = False
        i = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
        size = len(text)
        self._rest = ""
        self._retry_at = 0
        while i < size:
            if self._complete:
                raise PartialJSONError(f"unexpected text after the JSON value: {text[i:][:20]!r}")
            frame = self._stack[-1] if self._stack else None
            state = _VALUE if frame is None else frame.state
            char = text[i]
            if state == _COMMA_OR_END or (state in (_VALUE_OR_END, _KEY_OR_END) and char in "]}"):
                assert frame is not None
                i = self._punctuation(frame, text, i)
            elif state == _COLON:
                if char != ":":
                    raise PartialJSONError(f"expected ':' after an object key, got {char!r}")
                assert frame is not None
                frame.state = _VALUE
                i += 1
            elif char == '"':
                try:
                    value, i = _scanstring(text, i + 1)
                except ValueError:  # unfinished (or not JSON)
                    self._unfinished_string(text, i)
                    return changed
                if state in (_KEY_OR_END, _KEY):
                    assert frame is not None
                    frame.key = value
                    frame.state = _COLON
                else:
                    self._add(value)
                    changed = True
            elif state in (_KEY_OR_END, _KEY):
                raise PartialJSONError(f"expected an object key, got {char!r}")
            else:
                try:
                    value, i = self._value(text, i, final=final, nested=frame is not None)
                except _Unfinished:
                    return changed
                changed = True
            i = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
        return changed

    def _value(self, text: str, i: int, *, final: bool, nested: bool) -> tuple[Any, int]:
        """Parse and place the number, literal, object or array at ``i``; return it and its
        end. Raises ``_Unfinished`` (keeping the text) when it may go on in the next piece."""
        char = text[i]
        if char not in "[{":
            value, end = _scalar(text, i, final=final)
            if end < 0:
                self._rest = text[i:]
                raise _Unfinished
            self._add(value)
            return value, end
        try:
            value, end = _scan(text, i)
        except (StopIteration, ValueError):  # not complete yet (or not JSON)
            pending = len(text) - i
            if nested and not final and pending <= _DEFER_LIMIT:
                # Retried whole once the text has doubled: cheaper than walking its tokens.
                self._rest, self._retry_at = text[i:], 2 * pending
                raise _Unfinished from None
            value, end = ({} if char == "{" else []), i + 1
            self._add(value, opened=True)
            return value, end
        self._add(value)
        return value, end

    def _punctuation(self, frame: _Frame, text: str, i: int) -> int:
        char = text[i]
        closer = "}" if isinstance(frame.container, dict) else "]"
        if char == closer:
            self._stack.pop()
            if not self._stack:
                self._complete = True
            return i + 1
        if char == "," and frame.state == _COMMA_OR_END:
            frame.state = _KEY if isinstance(frame.container, dict) else _VALUE
            return i + 1
        raise PartialJSONError(f"expected ',' or {closer!r}, got {char!r}")

    def _add(self, value: Any, *, opened: bool = False) -> None:
        """Put a value where the text has it: complete, or a container just ``opened``."""
        if self._stack:
            frame = self._stack[-1]
            if isinstance(frame.container, dict):
                frame.container[frame.key] = value
            else:
                frame.container.append(value)
            frame.state = _COMMA_OR_END
        else:
            self._root = value
            self._complete = not opened
        if opened:
            self._stack.append(_Frame(value))

    def _unfinished_string(self, text: str, i: int) -> None:
        """Keep the string starting at ``i`` (which ``text`` does not finish) as pieces."""
        end, self._escape = _closing_quote(text, i + 1, escaped=False)
        if end >= 0:
            raise PartialJSONError(f"not a JSON string: {text[i : end + 1][:40]!r}")
        self._pieces = [text[i:]]

    def _continue_string(self, text: str) -> tuple[str, bool]:
        """Add ``text`` to the unfinished string. When the string ends in it, put the string
        where it belongs (a key or a value); return the text after it, and whether the
        value changed."""
        pieces = self._pieces
        assert pieces is not None
        end, escape = _closing_quote(text, 0, escaped=self._escape)
        if end < 0:
            pieces.append(text)
            self._escape = escape
            return "", False
        self._pieces = None
        value, _ = _scanstring("".join(pieces) + text[: end + 1], 1)
        frame = self._stack[-1] if self._stack else None
        if frame is not None and frame.state in (_KEY_OR_END, _KEY):
            frame.key = value
            frame.state = _COLON
            return text[end + 1 :], False
        self._add(value)
        return text[end + 1 :], True


def _closing_quote(text: str, start: int, *, escaped: bool) -> tuple[int, bool]:
    """Where the string whose body goes on at ``start`` ends: the index of its closing quote
    (or -1), and whether ``text`` ends inside an escape. ``escaped``: the character at
    ``start`` is escaped by a backslash that came before. Quotes are found with
    ``str.find``; only the backslashes just before each one are counted."""
    low = start + 1 if escaped and start < len(text) else start
    if escaped and start >= len(text):
        return -1, True
    search = low
    while True:
        quote = text.find('"', search)
        if quote < 0:
            break
        run = quote
        while run > low and text[run - 1] == "\\":
            run -= 1
        if (quote - run) % 2 == 0:
            return quote, False
        search = quote + 1
    run = len(text)
    while run > low and text[run - 1] == "\\":
        run -= 1
    return -1, (len(text) - run) % 2 == 1


class _Unfinished(Exception):
    """The value at hand may go on in the next piece."""


def _scalar(text: str, i: int, *, final: bool) -> tuple[Any, int]:
    """A number or literal at ``i``: ``(value, end)``, or ``(None, -1)`` when it may
    still go on in the next piece."""
    if not final and _NUMBER_PREFIX.match(text, i):
        return None, -1  # a number (or its start) reaching the end: more may follow
    try:
        return _scan(text, i)
    except (StopIteration, ValueError):
        tail = text[i:]
        if not final and any(word.startswith(tail) for word in _LITERALS):
            return None, -1
        raise PartialJSONError(f"not a JSON value: {tail[:20]!r}") from None
