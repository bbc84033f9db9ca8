"""Pure pieces of batch submission: request encoding, key checks, the inline/file split and
the JSONL stream; and the output line splitter."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async._batch import requests as R
from genlang_async._batch.results import file_results, lines
from genlang_async._batch.submit import EMBED, GENERATE
from genlang_async.types import EmbedContentRequest, GenerateContentRequest


def run(coro: Any) -> Any:
    import anyio

    return anyio.run(lambda: coro)


async def collect(iterator: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in iterator]


async def entries_of(requests: Any, kind: R.RequestKind = GENERATE) -> list[R.Entry]:
    return await collect(R.encoded_entries(requests, kind))


async def agen(pairs: Iterable[tuple[str, Any]]) -> AsyncIterator[tuple[str, Any]]:
    for pair in pairs:
        yield pair


PROMPT = {"contents": [{"parts": [{"text": "hi"}], "role": "user"}]}


async def test_every_request_form_encodes_to_the_same_wire_json() -> None:
    typed = GenerateContentRequest.from_dict(PROMPT)
    forms: list[Any] = [{"a": "hi"}, [("a", PROMPT)], agen([("a", typed)])]
    encoded = [await entries_of(form) for form in forms]
    bodies = {json.dumps(json.loads(e[0].request_json), sort_keys=True) for e in encoded}
    assert bodies == {json.dumps(PROMPT, sort_keys=True)}
    embed = await entries_of({"e": "text"}, EMBED)
    assert json.loads(embed[0].request_json) == {"content": {"parts": [{"text": "text"}]}}
    typed_embed = EmbedContentRequest.from_dict({"content": {"parts": [{"text": "x"}]}})
    assert json.loads((await entries_of({"e": typed_embed}, EMBED))[0].request_json) == {
        "content": {"parts": [{"text": "x"}]}
    }


async def test_an_entry_is_an_inlined_request_or_a_jsonl_line() -> None:
    (entry,) = await entries_of({"k\u00e9y": "h\u00e9llo"})
    assert json.loads(entry.inline()) == {
        "request": {"contents": [{"parts": [{"text": "h\u00e9llo"}], "role": "user"}]},
        "metadata": {"key": "k\u00e9y"},
    }
    assert entry.line().endswith(b"\n")
    assert json.loads(entry.line()) == {
        "key": "k\u00e9y",
        "request": json.loads(entry.request_json),
    }


@pytest.mark.parametrize(
    ("requests", "error", "text"),
    [
        ([("a", "x"), ("a", "y")], ValueError, "'a' is used more than once"),
        ([(1, "x")], TypeError, "keys must be non-empty strings"),
        ([("", "x")], TypeError, "keys must be non-empty strings"),
        ([("a", 3)], TypeError, "requests['a'] must be a GenerateContentRequest"),
        ([("a", {"x": object()})], TypeError, "requests['a'] is not JSON-serializable"),
        (["ab"], TypeError, "(key, request) pairs"),
        ("abc", TypeError, "requests must be a mapping"),
        (42, TypeError, "requests must be a mapping"),
    ],
)
async def test_bad_requests_are_refused_naming_the_culprit(
    requests: Any, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=re.escape(text)):
        await entries_of(requests)


def test_check_mode() -> None:
    assert R.check_mode("file") == "file"
    with pytest.raises(ValueError, match="input must be one of"):
        R.check_mode("stream")


texts = st.text(max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.text(min_size=1, max_size=8), texts), max_size=30).map(dict),
    limit=st.integers(min_value=0, max_value=3000),
    max_count=st.integers(min_value=0, max_value=40),
)
def test_split_keeps_inline_batches_within_the_limits(
    pairs: dict[str, str], limit: int, max_count: int
) -> None:
    async def check() -> None:
        stream = R.encoded_entries(pairs, GENERATE)
        try:
            first, rest = await R.split_inline(stream, "auto", "name", limit, max_count)
        except ValueError:
            assert not pairs  # only an empty batch is refused
            return
        if rest is None:
            body = R.inline_body("name", first)
            assert len(body) <= limit
            assert len(first) <= max_count
            items = json.loads(body)["batch"]["inputConfig"]["requests"]["requests"]
            assert [i["metadata"]["key"] for i in items] == list(pairs)
            return
        whole = b"".join([chunk async for chunk in R.jsonl_chunks(first, rest)])
        rows = [json.loads(line) for line in whole.splitlines()]
        everything = [entry async for entry in R.encoded_entries(pairs, GENERATE)]
        inline_size = len(R.inline_body("name", everything))
        # split_inline counts one comma per entry, so it goes to a file from ``limit`` on
        assert inline_size + 1 > limit or len(rows) > max_count
        assert [row["key"] for row in rows] == list(pairs)
        assert [row["request"]["contents"][0]["parts"][0]["text"] for row in rows] == list(
            pairs.values()
        )

    run(check())


async def test_inline_mode_refuses_a_batch_over_the_limit() -> None:
    stream = R.encoded_entries({str(i): "x" * 50 for i in range(10)}, GENERATE)
    with pytest.raises(ValueError, match="use input='file'"):
        await R.split_inline(stream, "inline", "n", 300, 1)


async def test_file_mode_streams_everything_and_refuses_an_empty_batch() -> None:
    stream = R.encoded_entries({"a": "x", "b": "y"}, GENERATE)
    first, rest = await R.split_inline(stream, "file", "n", 10**9, 10)
    assert [entry.key for entry in first] == ["a"]  # one read: there is something to send
    assert rest is not None
    (chunk,) = await collect(R.jsonl_chunks(first, rest))
    assert [json.loads(line)["key"] for line in chunk.splitlines()] == ["a", "b"]
    for mode in ("file", "auto", "inline"):
        empty = R.encoded_entries({}, GENERATE)
        with pytest.raises(ValueError, match="at least one request"):
            await R.split_inline(empty, mode, "n", 10**9, 10)


async def test_jsonl_chunks_are_about_a_mebibyte() -> None:
    big = {f"k{i}": "y" * 1000 for i in range(3000)}  # about 3 MB of JSONL
    stream = R.encoded_entries(big, GENERATE)
    first, rest = await R.split_inline(stream, "file", "n", 0, 0)
    assert rest is not None
    chunks = await collect(R.jsonl_chunks(first, rest))
    line = len(next(iter(chunks[0].splitlines(keepends=True))))
    assert len(chunks) == 1 + sum(len(c) for c in chunks) // (1 << 20)
    assert all(1 << 20 <= len(c) < (1 << 20) + line for c in chunks[:-1])
    assert all(c.endswith(b"\n") for c in chunks)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.text(alphabet="ab \n{}", max_size=12), max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_lines_splits_any_chunking_like_splitlines(rows: list[str], cuts: list[int]) -> None:
    data = "\n".join(rows).encode()
    points = sorted({min(c, len(data)) for c in cuts})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]

    async def chunks() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    got = run(collect(lines(chunks())))
    assert got == [line for line in data.split(b"\n") if line.strip()]


async def test_file_results_type_each_line_by_key() -> None:
    body = (
        b'{"key":"a","response":{"responseId":"r"}}\n'
        b'{"key":"b","error":{"code":8,"message":"slow down"}}\n'
    )

    async def chunks() -> AsyncIterator[bytes]:
        yield body

    from genlang_async import BatchRequestError
    from genlang_async.types import GenerateContentResponse

    results = dict(await collect(file_results(chunks(), GenerateContentResponse.from_dict)))
    assert results["a"] == GenerateContentResponse(response_id="r")
    error = results["b"]
    assert isinstance(error, BatchRequestError)
    assert (error.key, error.code, error.status, error.message) == (
        "b",
        8,
        "RESOURCE_EXHAUSTED",
        "slow down",
    )


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"not json\n", "line 1 of the batch output is not a JSON object"),
        (b'{"response":{}}\n', "line 1 of the batch output has no key"),
        (b'{"key":"a"}\n', "neither a response nor an error"),
        (b'{"key":"a","response":{"candidates":5}}\n', "the response of 'a' is malformed"),
    ],
)
async def test_unreadable_output_lines_raise_batch_output_error(body: bytes, text: str) -> None:
    from genlang_async import BatchOutputError
    from genlang_async.types import GenerateContentResponse

    async def chunks() -> AsyncIterator[bytes]:
        yield body

    with pytest.raises(BatchOutputError, match=text):
        await collect(file_results(chunks(), GenerateContentResponse.from_dict))
