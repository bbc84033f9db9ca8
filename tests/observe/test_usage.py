"""Usage totals per model from ``usageMetadata``."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genlang_async._observe.usage import TokenUsage, Usage

META = {
    "promptTokenCount": 10,
    "candidatesTokenCount": 20,
    "thoughtsTokenCount": 5,
    "cachedContentTokenCount": 4,
    "totalTokenCount": 35,
}


def test_from_metadata_reads_every_count() -> None:
    usage = TokenUsage.from_metadata(META)
    assert usage == TokenUsage(
        requests=1,
        prompt_tokens=10,
        output_tokens=20,
        thoughts_tokens=5,
        cached_tokens=4,
        tool_use_prompt_tokens=0,
        total_tokens=35,
    )


def test_missing_or_malformed_counts_are_zero_and_total_is_derived() -> None:
    usage = TokenUsage.from_metadata(
        {"promptTokenCount": "7", "candidatesTokenCount": True, "thoughtsTokenCount": -3}
    )
    assert (usage.prompt_tokens, usage.output_tokens, usage.thoughts_tokens) == (7, 0, 0)
    assert usage.total_tokens == 7
    assert TokenUsage.from_metadata(None) == TokenUsage(requests=1)


def test_usage_sums_per_model_and_in_total() -> None:
    usage = Usage()
    usage.record("gemini-2.5-flash", META)
    usage.record("gemini-2.5-flash", {"promptTokenCount": 1, "candidatesTokenCount": 2})
    usage.record("text-embedding-004", None)
    flash = usage["gemini-2.5-flash"]
    assert (flash.requests, flash.prompt_tokens, flash.output_tokens) == (2, 11, 22)
    assert flash.total_tokens == 38
    assert set(usage) == {"gemini-2.5-flash", "text-embedding-004"}
    assert usage.total.requests == 3
    assert usage.total == flash + usage["text-embedding-004"]
    assert "gemini-2.5-flash: 2 requests, 11 prompt + 22 output + 5 thoughts tokens" in str(usage)
    assert "total: 3 requests" in str(usage)
    usage.reset()
    assert len(usage) == 0
    assert str(usage) == "usage: no requests"


def test_a_returned_entry_is_a_snapshot() -> None:
    usage = Usage()
    usage.record("m", META)
    before = usage["m"]
    usage.record("m", META)
    assert before.requests == 1
    assert usage["m"].requests == 2


counts = st.fixed_dictionaries(
    {},
    optional={
        name: st.integers(0, 10**9)
        for name in (
            "promptTokenCount",
            "candidatesTokenCount",
            "thoughtsTokenCount",
            "cachedContentTokenCount",
            "toolUsePromptTokenCount",
            "totalTokenCount",
        )
    },
)
records = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.none() | counts), max_size=30)


@given(records)
def test_totals_equal_the_sum_of_the_calls(calls: list[tuple[str, dict[str, Any] | None]]) -> None:
    usage = Usage()
    for model, meta in calls:
        usage.record(model, meta)
    expected = sum((TokenUsage.from_metadata(m) for _, m in calls), TokenUsage())
    assert usage.total == expected
    assert sum((usage[m] for m in usage), TokenUsage()) == expected
    assert usage.total.requests == len(calls)
    for model in usage:
        mine = [meta for name, meta in calls if name == model]
        assert usage[model] == sum((TokenUsage.from_metadata(m) for m in mine), TokenUsage())
