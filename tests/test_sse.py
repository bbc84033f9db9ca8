"""Tests of the sans-I/O event-stream decoder (WHATWG parsing rules)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async._core.sse import Event, SSEDecoder, aiter_sse


def decode(*chunks: bytes, dispatch_at_eof: bool = False) -> list[Event]:
    decoder = SSEDecoder(dispatch_at_eof=dispatch_at_eof)
    events: list[Event] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return events


def datas(*chunks: bytes) -> list[str]:
    return [event.data for event in decode(*chunks)]


# --- fields ---------------------------------------------------------------------------------


def test_gemini_style_frame() -> None:
    stream = b'data: {"candidates": []}\r\n\r\ndata: {"usageMetadata": {}}\r\n\r\n'
    assert decode(stream) == [
        Event(data='{"candidates": []}'),
        Event(data='{"usageMetadata": {}}'),
    ]


def test_event_defaults() -> None:
    event = decode(b"data: x\n\n")[0]
    assert event.event == "message"
    assert event.id is None
    assert event.retry is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"data: x", "x"),
        (b"data:x", "x"),
        (b"data:  x", " x"),  # only one space is removed
        (b"data:", ""),
        (b"data", ""),  # no colon: field with empty value
        (b"data: a:b: c", "a:b: c"),  # only the first colon separates
        (b"data:\tx", "\tx"),  # a tab is not the optional space
    ],
)
def test_data_value_forms(line: bytes, expected: str) -> None:
    assert datas(line + b"\n\n") == [expected]


def test_multiline_data_joined_with_lf() -> None:
    assert datas(b"data: a\ndata:b\ndata\ndata:  c\n\n") == ["a\nb\n\n c"]


def test_comments_ignored() -> None:
    stream = b": keep-alive\n:\ndata: a\n: inside\ndata: b\n\n: trailing\n\n"
    assert datas(stream) == ["a\nb"]


def test_only_comments_dispatch_nothing() -> None:
    assert decode(b": ping\n\n: ping\r\n\r\n") == []


def test_blank_lines_without_data_dispatch_nothing() -> None:
    assert decode(b"\n\n\r\n\r\r\n") == []


def test_event_type() -> None:
    stream = b"event: delta\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n"
    stream += b"event: a\nevent: b\ndata: 4\n\n"
    assert [(e.event, e.data) for e in decode(stream)] == [
        ("delta", "1"),
        ("message", "2"),  # the type does not carry over to the next event
        ("message", "3"),  # empty type means "message"
        ("b", "4"),  # the last one wins
    ]


def test_event_type_without_data_is_reset() -> None:
    assert decode(b"event: x\n\ndata: y\n\n") == [Event(data="y")]


def test_id_persists_across_events() -> None:
    stream = b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 7\n\ndata: d\n\n"
    assert [e.id for e in decode(stream)] == ["1", "1", "", "7"]


def test_id_with_nul_is_ignored() -> None:
    stream = b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"
    assert [e.id for e in decode(stream)] == ["1", "1"]


def test_last_event_id_attribute() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id is None
    decoder.feed(b"id: 42\n\n")
    assert decoder.last_event_id == "42"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(b"3000", 3000), (b"0", 0), (b"", None), (b"3.5", None), (b"-1", None), (b" 12", 12)],
)
def test_retry(value: bytes, expected: int | None) -> None:
    # "retry: 12" -> the single space after the colon is removed, so b" 12" means "12".
    decoder = SSEDecoder()
    events = decoder.feed(b"retry:" + value + b"\ndata: x\n\n")
    assert events[0].retry == expected
    assert decoder.retry == expected


def test_retry_rejects_non_ascii_digits() -> None:
    decoder = SSEDecoder()
    events = decoder.feed("retry: \u0663\ndata: x\n\n".encode())  # ARABIC-INDIC DIGIT THREE
    assert events[0].retry is None
    assert decoder.retry is None


def test_retry_is_per_block_on_events_but_kept_by_decoder() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"retry: 10\n\ndata: a\n\nretry: 20\ndata: b\n\ndata: c\n\n")
    assert [e.retry for e in events] == [None, 20, None]
    assert decoder.retry == 20


def test_unknown_fields_ignored() -> None:
    stream = b"foo: bar\nDATA: no\nData: no\ndata : no\nrandom\ndata: yes\n\n"
    assert datas(stream) == ["yes"]


# --- line endings ---------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_each_line_ending(eol: bytes) -> None:
    stream = b"event: e" + eol + b"data: a" + eol + b"data: b" + eol + eol
    assert decode(stream) == [Event(event="e", data="a\nb")]


def test_mixed_line_endings() -> None:
    assert datas(b"data: a\rdata: b\ndata: c\r\n\r\ndata: d\n\r") == ["a\nb\nc", "d"]


def test_cr_then_crlf_is_two_line_endings() -> None:
    # "\r" ends "data: a", "\r\n" is the blank line.
    assert datas(b"data: a\r\r\n") == ["a"]


def test_lf_then_cr_is_two_line_endings() -> None:
    assert datas(b"data: a\n\r") == ["a"]


def test_crlf_split_across_feeds_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\ndata: b\r") == []  # that LF must not count as a blank line
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\r") == [Event(data="a\nb")]
    assert decoder.feed(b"\n") == []  # second half of the blank line's CRLF
    assert decoder.feed(b"data: c\r\n\r\n") == [Event(data="c")]


def test_cr_then_empty_feed_then_lf() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\r")
    decoder.feed(b"")
    assert decoder.feed(b"\n\n") == [Event(data="a")]


def test_cr_feed_then_cr_feed_is_a_blank_line() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\r")
    assert decoder.feed(b"\r") == [Event(data="a")]


def test_byte_by_byte_crlf_stream() -> None:
    stream = b"data: a\r\ndata: b\r\n\r\nid: 3\r\ndata: c\r\n\r\n"
    assert decode(*(bytes([b]) for b in stream)) == [
        Event(data="a\nb"),
        Event(data="c", id="3"),
    ]


# --- bytes and text -------------------------------------------------------------------------


def test_bom_stripped_at_start() -> None:
    assert datas(b"\xef\xbb\xbfdata: x\n\n") == ["x"]


def test_bom_split_across_feeds() -> None:
    assert datas(b"\xef", b"\xbb", b"\xbfdata: x\n\n") == ["x"]
    assert datas(b"\xef\xbb", b"\xbfdata: x\n\n") == ["x"]


def test_bom_only_stripped_once() -> None:
    # A second BOM is part of the first line's field name, so the line is an unknown field.
    assert datas(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\ndata: y\n\n") == ["y"]


def test_bom_not_stripped_later() -> None:
    assert datas(b"data: a\n\n", b"\xef\xbb\xbfdata: b\n\n") == ["a"]


def test_bom_prefix_that_is_not_a_bom() -> None:
    # 0xEF 0xBB followed by something else is not dropped: it starts an unknown field name.
    events = decode(b"\xef\xbb", b"x\ndata: y\n\n")
    assert [e.data for e in events] == ["y"]


def test_utf8_multibyte_split_across_feeds() -> None:
    text = "h\u00e9llo \u4e16\u754c \U0001f600"
    raw = f"data: {text}\n\n".encode()
    for cut in range(len(raw)):
        assert datas(raw[:cut], raw[cut:]) == [text], cut
    assert datas(*(bytes([b]) for b in raw)) == [text]


def test_invalid_utf8_replaced() -> None:
    assert datas(b"data: a\xffb\n\n") == ["a\ufffdb"]


def test_non_ascii_event_type_and_id() -> None:
    events = decode("event: \u00e9v\nid: \u4e16\ndata: x\n\n".encode())
    assert events == [Event(event="\u00e9v", data="x", id="\u4e16")]


def test_accepts_bytearray_and_memoryview() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(bytearray(b"data: a\n")) == []
    assert decoder.feed(memoryview(b"\n")) == [Event(data="a")]


# --- end of stream --------------------------------------------------------------------------


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r", b"\r\n\r\n", b"\n\n"])
def test_final_event_at_eof_is_delivered_whatever_line_ending(ending: bytes) -> None:
    """The live API ended a stream with ``}\\r\\n`` and EOF (no blank line)."""
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b" + ending) == [Event(data="a")] + (
        [Event(data="b")] if ending in (b"\r\n\r\n", b"\n\n") else []
    )
    assert decoder.close() == ([] if ending in (b"\r\n\r\n", b"\n\n") else [Event(data="b")])
    assert not decoder.truncated


def test_final_event_at_eof_split_across_reads() -> None:
    assert decode(b'data: {"a":', b" 1}\r", b"\n") == [Event(data='{"a": 1}')]


def test_unterminated_line_discarded_at_eof() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\ndata: b")
    assert decoder.close() == []
    assert decoder.truncated


def test_clean_end_is_not_truncated() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\r\n\r\n: bye\r\n")
    assert decoder.close() == []
    assert not decoder.truncated


def test_dispatch_at_eof_option() -> None:
    assert decode(b"data: a\n\ndata: b\n", dispatch_at_eof=True) == [
        Event(data="a"),
        Event(data="b"),
    ]
    assert decode(b"data: a\n\ndata: b", dispatch_at_eof=True) == [
        Event(data="a"),
        Event(data="b"),
    ]
    assert decode(b"data: a\n\n", dispatch_at_eof=True) == [Event(data="a")]
    assert decode(b"data: a\r", dispatch_at_eof=True) == [Event(data="a")]
    assert decode(b"", dispatch_at_eof=True) == []


def test_close_is_idempotent_and_feed_after_close_fails() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n")
    assert decoder.close() == []
    assert decoder.close() == []
    with pytest.raises(RuntimeError, match="after close"):
        decoder.feed(b"data: b\n\n")


def test_empty_feed() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"") == []
    assert decoder.close() == []
    assert not decoder.truncated


# --- large lines ----------------------------------------------------------------------------


def test_five_megabyte_line_in_64k_pieces() -> None:
    payload = b"x" * (5 * 1024 * 1024)
    stream = b"data: " + payload + b"\r\n\r\n"
    decoder = SSEDecoder()
    events: list[Event] = []
    step = 64 * 1024
    for start in range(0, len(stream), step):
        events.extend(decoder.feed(stream[start : start + step]))
    assert len(events) == 1
    assert len(events[0].data) == len(payload)
    assert events[0].data == payload.decode()


def test_long_multiline_event() -> None:
    lines = [f"line {i} " + "y" * 1000 for i in range(2000)]
    stream = "".join(f"data: {line}\n" for line in lines).encode() + b"\n"
    assert datas(*(stream[i : i + 4096] for i in range(0, len(stream), 4096))) == ["\n".join(lines)]


# --- async helper ---------------------------------------------------------------------------


async def test_aiter_sse() -> None:
    async def body() -> AsyncIterator[bytes]:
        for piece in (b"data: a\r", b"\n\r\ndata:", b" b\r\n\r\n", b"data: partial"):
            yield piece

    assert [event async for event in aiter_sse(body())] == [Event(data="a"), Event(data="b")]
    assert [event async for event in aiter_sse(body(), dispatch_at_eof=True)] == [
        Event(data="a"),
        Event(data="b"),
        Event(data="partial"),
    ]


# --- property: any split of a valid stream decodes the same ---------------------------------

_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"),
    max_size=20,
)
_eols = st.sampled_from([b"\n", b"\r", b"\r\n"])


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[Event]]:
    """A byte stream of random valid events, and the events a correct decoder yields."""
    out = bytearray()
    if draw(st.booleans()):
        out += b"\xef\xbb\xbf"
    expected: list[Event] = []
    last_id: str | None = None
    prev_cr = False

    def eol(blank: bool = False) -> bytes:
        # After a lone CR, a blank line must not start with LF: the two would make one CRLF.
        nonlocal prev_cr
        choice = draw(st.sampled_from([b"\r", b"\r\n"]) if blank and prev_cr else _eols)
        prev_cr = choice == b"\r"
        return choice

    def field(name: str, value: str) -> None:
        if value == "" and draw(st.booleans()):
            line = name  # no colon at all
        elif value.startswith(" ") or draw(st.booleans()):
            line = f"{name}: {value}"
        else:
            line = f"{name}:{value}"
        out.extend(line.encode() + eol())

    for _ in range(draw(st.integers(0, 6))):
        # Fields other than data, each at a random position among the data lines.
        data_lines = draw(st.lists(_text, min_size=0, max_size=4))
        extras: list[tuple[str, str]] = []
        if draw(st.booleans()):
            extras.append(("event", draw(_text)))
        if draw(st.booleans()):
            extras.append(("id", draw(_text.filter(lambda s: "\0" not in s))))
        if draw(st.booleans()):
            extras.append(("retry", str(draw(st.integers(0, 10**6)))))
        for _ in range(draw(st.integers(0, 2))):
            extras.append((":", draw(_text)))
        if draw(st.booleans()):
            extras.append((draw(st.sampled_from(["foo", "Data", "ID", "x-y"])), draw(_text)))
        items: list[tuple[str, str]] = [("data", line) for line in data_lines]
        for extra in extras:
            items.insert(draw(st.integers(0, len(items))), extra)

        event_type, retry = "", None
        for name, value in items:
            if name == ":":
                out.extend(b":" + value.encode() + eol())
                continue
            field(name, value)
            if name == "event":
                event_type = value
            elif name == "id":
                last_id = value
            elif name == "retry":
                retry = int(value)
        out.extend(eol(blank=True))  # the blank line that dispatches
        if data_lines:
            expected.append(Event(event_type or "message", "\n".join(data_lines), last_id, retry))
        for _ in range(draw(st.integers(0, 2))):
            out.extend(eol(blank=True))  # extra blank lines dispatch nothing
    return bytes(out), expected


@settings(max_examples=300, deadline=None)
@given(streams(), st.data())
def test_any_split_decodes_the_same(case: tuple[bytes, list[Event]], data: st.DataObject) -> None:
    stream, expected = case
    whole = decode(stream)
    assert whole == expected
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    assert decode(*pieces) == expected


@settings(max_examples=50, deadline=None)
@given(streams())
def test_byte_by_byte_decodes_the_same(case: tuple[bytes, list[Event]]) -> None:
    stream, expected = case
    assert decode(*(stream[i : i + 1] for i in range(len(stream)))) == expected
