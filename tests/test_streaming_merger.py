"""Pure stream pieces: ``ChunkMerger`` gives back the text however it was split into chunks;
``wire_text`` reads the same text as the typed ``GenerateContentResponse.text``."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genlang_async._core.chunks import wire_text
from genlang_async._http.streaming import ChunkMerger
from genlang_async.types import GenerateContentResponse


def chunk(text: str, index: int = 0, **extra: Any) -> dict[str, Any]:
    candidate = {"index": index, "content": {"parts": [{"text": text}], "role": "model"}}
    return {"candidates": [candidate], **extra}


@st.composite
def splits(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(st.text(min_size=1))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    bounds = [0, *cuts, len(text)]
    return text, [text[a:b] for a, b in itertools.pairwise(bounds)]


@given(splits())
def test_any_split_merges_back_to_the_text(split: tuple[str, list[str]]) -> None:
    text, pieces = split
    merger = ChunkMerger()
    for piece in pieces:
        merger.add(chunk(piece))
    parts = merger.result()["candidates"][0]["content"]["parts"]
    assert parts == [{"text": text}]


@given(splits(), splits())
def test_candidates_merge_separately(a: tuple[str, list[str]], b: tuple[str, list[str]]) -> None:
    merger = ChunkMerger()
    for index in range(max(len(a[1]), len(b[1]))):
        candidates = []
        if index < len(a[1]):
            candidates.append(chunk(a[1][index], 0)["candidates"][0])
        if index < len(b[1]):
            candidates.append(chunk(b[1][index], 1)["candidates"][0])
        merger.add({"candidates": candidates})
    merged = merger.result()["candidates"]
    assert [c["content"]["parts"][0]["text"] for c in merged] == [a[0], b[0]]
    assert [c["index"] for c in merged] == [0, 1]


def test_last_usage_metadata_and_finish_reason_win() -> None:
    merger = ChunkMerger()
    merger.add(chunk("Hel", usageMetadata={"promptTokenCount": 3}))
    merger.add({**chunk("lo"), "usageMetadata": {"promptTokenCount": 3, "totalTokenCount": 5}})
    last = chunk("!")
    last["candidates"][0]["finishReason"] = "STOP"
    merger.add({**last, "modelVersion": "v1"})
    result = merger.result()
    assert result["usageMetadata"] == {"promptTokenCount": 3, "totalTokenCount": 5}
    assert result["modelVersion"] == "v1"
    assert result["candidates"][0]["finishReason"] == "STOP"
    assert result["candidates"][0]["content"]["parts"] == [{"text": "Hello!"}]


def test_thoughts_and_function_calls_stay_separate_parts() -> None:
    merger = ChunkMerger()
    merger.add({"candidates": [{"content": {"parts": [{"text": "hmm", "thought": True}]}}]})
    merger.add({"candidates": [{"content": {"parts": [{"text": " ok", "thought": True}]}}]})
    merger.add({"candidates": [{"content": {"parts": [{"text": "Answer"}]}}]})
    merger.add({"candidates": [{"content": {"parts": [{"functionCall": {"name": "f"}}]}}]})
    merger.add({"candidates": [{"content": {"parts": [{"text": "after"}]}}]})
    parts = merger.result()["candidates"][0]["content"]["parts"]
    assert parts == [
        {"text": "hmm ok", "thought": True},
        {"text": "Answer"},
        {"functionCall": {"name": "f"}},
        {"text": "after"},
    ]


def test_result_is_a_copy() -> None:
    merger = ChunkMerger()
    merger.add(chunk("a"))
    first = merger.result()
    merger.add(chunk("b"))
    assert first["candidates"][0]["content"]["parts"] == [{"text": "a"}]
    assert merger.result()["candidates"][0]["content"]["parts"] == [{"text": "ab"}]


wire_parts = st.lists(
    st.one_of(
        st.fixed_dictionaries({"text": st.text(max_size=5)}),
        st.fixed_dictionaries({"text": st.text(max_size=5), "thought": st.booleans()}),
        st.just({"functionCall": {"name": "f", "args": {}}}),
        st.just({"thoughtSignature": "c2ln"}),
    ),
    max_size=4,
)
wire_chunks = st.one_of(
    st.just({}),
    st.just({"candidates": []}),
    st.lists(
        st.one_of(
            st.just({"index": 0}),
            st.builds(lambda parts: {"content": {"parts": parts, "role": "model"}}, wire_parts),
            st.just({"content": {"role": "model"}}),
        ),
        min_size=1,
        max_size=2,
    ).map(lambda candidates: {"candidates": candidates}),
)


@given(wire_chunks)
def test_text_stream_reads_the_same_text_as_the_typed_chunk(chunk: dict[str, Any]) -> None:
    assert wire_text(chunk) == GenerateContentResponse.from_dict(chunk).text
