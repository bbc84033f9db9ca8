"""Quota simulation: sliding windows per API key and model, and 429s shaped like the live API."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from genlang_async.emulator.__main__ import parse_args
from genlang_async.emulator._quotas import Quota, QuotaTable

from .conftest import Api

GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
LITE = "/v1beta/models/gemini-2.5-flash-lite:generateContent"
COUNT = "/v1beta/models/gemini-2.5-flash:countTokens"
HELLO = {"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]}  # 2 tokens
RECORDING = Path(__file__).parent / "recordings" / "429_resource_exhausted_retry_info.json"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def rejected(table: QuotaTable, key: str = "k", model: str = "m", tokens: int = 1) -> Any:
    """The 429 error ``admit`` raises, or ``None`` when the call is admitted."""
    from genlang_async.emulator._errors import ApiError

    try:
        table.admit(key, model, lambda: tokens)
    except ApiError as error:
        return error
    return None


def test_sliding_window_admits_exactly_the_quota_and_says_when_to_come_back() -> None:
    clock = Clock()
    table = QuotaTable(clock)
    table.set("m", requests=3, period=10.0)
    for step in (0.0, 2.0, 3.0):
        clock.now += step
        assert rejected(table) is None
    clock.now += 1.0  # t = 1006: calls at 1000, 1002, 1005 are in the window
    error = rejected(table)
    assert error.code == 429
    assert error.status == "RESOURCE_EXHAUSTED"
    assert error.details[-1] == {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "4s",
    }
    clock.now += 3.999
    assert rejected(table) is not None  # rejected calls do not count, the window still holds 3
    clock.now += 0.001  # the call at 1000 leaves the window (it is half-open)
    assert rejected(table) is None
    assert rejected(table) is not None


def test_token_quota_counts_input_tokens_and_waits_for_enough_to_leave() -> None:
    clock = Clock()
    table = QuotaTable(clock)
    table.set("m", tokens=10, period=60.0)
    assert rejected(table, tokens=4) is None
    clock.now += 1
    assert rejected(table, tokens=4) is None
    clock.now += 1
    error = rejected(table, tokens=5)
    (violation,) = error.details[0]["violations"]
    assert violation["quotaId"] == "GenerateContentInputTokensPerModelPerMinute-FreeTier"
    assert violation["quotaValue"] == "10"
    # 5 more fit once the first call's 4 tokens leave: 60 s after it, 58 s from now.
    assert error.details[-1]["retryDelay"] == "58s"
    assert rejected(table, tokens=2) is None
    too_big = rejected(table, tokens=11)
    assert too_big.details[-1]["retryDelay"] == "60s"


def test_quotas_are_per_key_and_per_model_and_star_gives_each_model_its_own() -> None:
    table = QuotaTable(Clock())
    table.set("*", requests=1, period=60.0)
    table.set("models/special", requests=2, period=60.0)
    assert rejected(table, key="a", model="x") is None
    assert rejected(table, key="a", model="x") is not None
    assert rejected(table, key="b", model="x") is None
    assert rejected(table, key="a", model="models/y") is None
    assert rejected(table, key="a", model="special") is None
    assert rejected(table, key="a", model="special") is None
    assert rejected(table, key="a", model="special") is not None
    table.clear("special")
    assert rejected(table, key="a", model="special") is None  # falls back to "*" (fresh)
    table.clear()
    assert all(rejected(table, key="a", model="x") is None for _ in range(5))


def test_minute_and_day_quotas_together_name_every_quota_broken() -> None:
    clock = Clock()
    table = QuotaTable(clock)
    table.set("m", requests=2, period=1.0)
    table.set("m", requests=3, period=86_400.0, tier="paid")
    assert {q.per for q in table.active} == {"minute", "day"}
    assert rejected(table) is None
    assert rejected(table) is None
    error = rejected(table)
    ids = [v["quotaId"] for v in error.details[0]["violations"]]
    assert ids == ["GenerateRequestsPerMinutePerProjectPerModel-FreeTier"]
    clock.now += 1.0
    assert rejected(table) is None
    clock.now += 1.0
    error = rejected(table)
    (day,) = error.details[0]["violations"]
    assert day == {
        "quotaMetric": "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
        "quotaId": "GenerateRequestsPerDayPerProjectPerModel",
        "quotaDimensions": {"location": "global", "model": "m"},
        "quotaValue": "3",
    }
    assert error.details[-1]["retryDelay"] == "86398s"
    assert "limit: 3, model: m" in error.message


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "requests=, tokens="),
        ({"requests": -1}, "requests"),
        ({"tokens": 1.5}, "tokens"),
        ({"requests": True}, "requests"),
        ({"requests": 1, "period": 0}, "period"),
        ({"requests": 1, "tier": "gold"}, "tier"),
    ],
)
def test_bad_quotas_are_refused(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        QuotaTable().set("m", **kwargs)


def test_cli_quota_flag() -> None:
    args = parse_args(
        ["--quota", "gemini-2.5-flash:requests=10,tokens=500,period=2.5", "--quota", "*:requests=1"]
    )
    assert args.quotas == [
        Quota("gemini-2.5-flash", requests=10, tokens=500, period=2.5),
        Quota("*", requests=1),
    ]
    assert Quota.parse("m:requests=1,period=86400,tier=paid").per == "day"
    for bad in ("nocolon", "m:requests=x", "m:speed=1", "m:"):
        with pytest.raises(ValueError, match=r"quota|requests|expected"):
            Quota.parse(bad)
    with pytest.raises(SystemExit):
        parse_args(["--quota", "m:requests=x"])


async def test_429_over_http_is_shaped_like_the_live_api(api: Api, emulator: Any) -> None:
    emulator.quotas.set("gemini-2.5-flash", requests=2, period=0.4)
    await api.post(GEN, HELLO)
    await api.post(COUNT, HELLO)  # countTokens is not a generation call: not counted
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": "k2"}
    ) as response:
        assert response.status == 200  # another key has its own budget
        await response.read()
    await api.post(STREAM, HELLO)
    body = await api.post(GEN, HELLO, expect=429)
    await api.post(LITE, HELLO)  # another model is not limited
    error = body["error"]
    recorded = json.loads(RECORDING.read_text())["response"]["body_json"]["error"]
    assert set(error) == set(recorded)
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"].startswith("You exceeded your current quota")
    types = [d["@type"].rsplit(".", 1)[1] for d in error["details"]]
    assert types == ["QuotaFailure", "Help", "RetryInfo"]
    (violation,) = error["details"][0]["violations"]
    assert set(recorded["details"][0]["violations"][0]) <= set(violation)
    assert violation["quotaId"] == recorded["details"][0]["violations"][0]["quotaId"]
    assert violation["quotaDimensions"] == {"location": "global", "model": "gemini-2.5-flash"}
    delay = float(error["details"][2]["retryDelay"].rstrip("s"))
    assert 0 < delay <= 0.4
    await asyncio.sleep(0.41)  # everything has left the window
    await api.post(GEN, HELLO)
    await api.post(STREAM, HELLO)
    stream = await api.call("POST", STREAM, HELLO, params={"alt": "sse"}, expect=429)
    assert "RESOURCE_EXHAUSTED" in stream


async def test_sdk_reads_the_429_as_typed_details(emulator: Any) -> None:
    from genlang_async import Client, RateLimitError
    from genlang_async._core.error_details import QuotaFailure, RetryInfo

    emulator.quotas.set("*", tokens=3, period=60.0)
    async with Client(api_key="k", base_url=emulator.url, max_retries=0) as client:
        await client.models.generate_content("gemini-2.5-flash", contents="one two")
        with pytest.raises(RateLimitError) as caught:
            await client.models.generate_content("gemini-2.5-flash", contents="one two")
    failure = next(d for d in caught.value.details if isinstance(d, QuotaFailure))
    (violation,) = failure.violations
    assert violation.quota_value == 3
    assert violation.quota_dimensions["model"] == "gemini-2.5-flash"
    assert any(isinstance(d, RetryInfo) for d in caught.value.details)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 59


async def test_control_api_sets_lists_and_clears_quotas(api: Api, emulator: Any) -> None:
    listed = await api.post(
        "/__emulator/quotas", {"model": "gemini-2.5-flash", "requests": 1, "period": 30}, key=None
    )
    assert listed["quotas"] == [
        {"model": "gemini-2.5-flash", "requests": 1, "tokens": None, "period": 30, "tier": "free"}
    ]
    await api.post(GEN, HELLO)
    await api.post(GEN, HELLO, expect=429)
    await api.post("/__emulator/quotas", {"model": "m"}, key=None, expect=400)
    await api.post("/__emulator/quotas", {"requests": 1}, key=None, expect=400)
    await api.post("/__emulator/quotas", {"model": "m", "rpm": 1}, key=None, expect=400)
    await api.call("PUT", "/__emulator/quotas", {}, key=None, expect=404)
    assert (await api.delete("/__emulator/quotas?model=other", key=None))["quotas"]
    assert (await api.delete("/__emulator/quotas", key=None)) == {"quotas": []}
    await api.post(GEN, HELLO)
    emulator.quotas.set("gemini-2.5-flash", requests=1)
    await api.post("/__emulator/reset", key=None)
    assert (await api.get("/__emulator/quotas", key=None)) == {"quotas": []}
