"""The pure pacing algorithms: booking windows (properties), learned limits, quota hits."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async._core.error_details import QuotaViolation
from genlang_async._core.rate_limit import (
    DECREASE,
    MEDIA_TOKENS,
    Learner,
    QuotaHit,
    RateLimit,
    Window,
    book,
    estimate_tokens,
    margin,
    model_key,
    seconds_until_quota_day_ends,
)

RECORDING = (
    Path(__file__).parents[1] / "emulator" / "recordings" / "429_resource_exhausted_retry_info.json"
)
PERIODS = {"minute": 60.0, "day": 86_400.0}

ops = st.lists(
    st.tuples(st.sampled_from([0.0, 0.0, 0.05, 0.3, 1.0, 2.5]), st.integers(0, 12)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    ops=ops,
    requests=st.none() | st.integers(1, 5),
    tokens=st.none() | st.integers(1, 25),
    span=st.sampled_from([0.5, 1.0, 3.0]),
)
def test_bookings_respect_the_window_are_in_order_and_as_early_as_possible(
    ops: list[tuple[float, int]], requests: int | None, tokens: int | None, span: float
) -> None:
    window = Window(span)
    now, last = 0.0, float("-inf")
    booked: list[tuple[float, int]] = []
    for advance, cost in ops:
        now += advance
        window.prune(now)
        not_before = max(now, last)
        at, entries = book([(window, requests, tokens)], now, last, cost)
        assert at >= not_before
        last = at
        # Every call fits the window (T - span, T] as the server counts it: the calls before
        # (to within float rounding, which the margin in a window's span absorbs).
        inside = [c for t, c in booked if t > at - span + 1e-9]
        if requests is not None:
            assert len(inside) < requests
        if tokens is not None:
            assert sum(inside) + min(cost, tokens) <= tokens
        # Exact: a call that waited could not have gone earlier: an earlier call pins it
        # (its slot plus the window), or the spacing of waiting calls after the latest one.
        if at > not_before:
            pins = [t + span for t, _ in booked]
            if requests is not None:
                pins.append(booked[-1][0] + span / requests)
            if tokens is not None:
                pins.append(booked[-1][0] + span * min(cost, tokens) / tokens)
            assert any(abs(pin - at) < 1e-9 for pin in pins)
        booked.append((at, cost))
        assert entries[0][1].at == at
    assert window.tokens == sum(c for t, c in booked if t > now - span)
    assert window.count(now - span) == len(window.entries)


def test_adjust_and_remove_keep_the_token_sum() -> None:
    window = Window(10.0)
    _, [(_, first)] = book([(window, None, 100)], 0.0, 0.0, 30)
    _, [(_, second)] = book([(window, None, 100)], 1.0, 0.0, 30)
    window.adjust(first, 60)
    assert window.tokens == 90
    at, [(_, third)] = book([(window, None, 100)], 2.0, 1.0, 20)
    assert at == 10.0  # the first call's 60 tokens must leave first
    window.remove(second)
    window.remove(second)  # twice is harmless
    assert window.tokens == 80
    window.prune(10.0)
    assert not first.live
    window.adjust(first, 5)  # gone: its tokens are no longer counted
    assert window.tokens == 20
    assert window.count(0.0) == 1
    assert third.live


def test_several_windows_book_the_latest_of_their_earliest_slots() -> None:
    minute, day = Window(1.0), Window(86_400.0)
    times = []
    for _ in range(5):
        at, _ = book([(minute, 2, None), (day, 4, None)], 0.0, times[-1] if times else 0.0, 0)
        times.append(at)
    # The minute window spaces calls half a window apart; the day's four are then spent.
    assert times == [0.0, 0.5, 1.0, 1.5, 86_400.0]


def test_a_small_burst_goes_at_once_then_calls_are_evenly_spaced() -> None:
    window = Window(10.0)
    times = [book([(window, 40, None)], 0.0, 0.0, 0)[0] for _ in range(5)]
    assert times == [0.0, 0.0, 0.25, 0.5, 0.75]  # BURST of 40 is 2, then 10 s / 40 apart


def test_a_cost_above_the_limit_waits_for_an_empty_window() -> None:
    window = Window(86_400.0)
    book([(window, None, 10)], 0.0, 0.0, 3)
    at, _ = book([(window, None, 10)], 1.0, 0.0, 50)
    assert at == 86_400.0


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "requests=, tokens="),
        ({"requests": 0}, "requests"),
        ({"requests": 2.0}, "requests"),
        ({"tokens": True}, "tokens"),
        ({"requests": 1, "period": 0}, "period"),
        ({"requests": 1, "period": float("inf")}, "finite"),
        ({"requests": 1, "period": "60"}, "period"),
    ],
)
def test_rate_limit_validates(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        RateLimit(**kwargs)  # type: ignore[arg-type]


def test_rate_limit_per_and_margin_and_model_key() -> None:
    assert RateLimit(requests=1, period=86_400).per == "day"
    assert RateLimit(requests=1).per == "minute"
    assert margin(4.0) == pytest.approx(0.13)  # 2% + 50 ms
    assert margin(0.2) == pytest.approx(0.02)  # at most a tenth of the period
    assert margin(60.0) == 1.0  # at most a second
    assert margin(86_400.0) == 1.0
    assert model_key("models/gemini-2.5-flash") == "gemini-2.5-flash"
    assert model_key("tunedModels/t") == "tunedModels/t"


def violation(quota_id: str, metric: str = "", value: int | None = None) -> QuotaViolation:
    return QuotaViolation(
        quota_id=quota_id,
        quota_metric=metric,
        quota_dimensions={"location": "global", "model": "m"},
        quota_value=value,
    )


def test_quota_hits_from_live_quota_ids() -> None:
    recorded = json.loads(RECORDING.read_text())["response"]["body_json"]["error"]["details"][0]
    (hit,) = QuotaHit.parse([QuotaViolation.from_dict(recorded["violations"][0])])
    assert (hit.kind, hit.per, hit.value) == ("requests", "minute", None)
    hits = QuotaHit.parse(
        [
            violation(
                "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
                250_000,
            ),
            violation(
                "GenerateRequestsPerDayPerProjectPerModel",
                "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
                1000,
            ),
            violation("SomethingPerProject"),  # names no period: ignored
            QuotaViolation(quota_id="RequestsPerMinutePerProject"),  # names no model: ignored
        ]
    )
    assert [(h.kind, h.per, h.value) for h in hits] == [
        ("tokens", "minute", 250_000),
        ("requests", "day", 1000),
    ]


MINUTE_HIT = QuotaHit("requests", "minute", "GenerateRequestsPerMinutePerProjectPerModel", None)


def test_learning_without_configured_limits_uses_the_quota_value_else_the_observed_rate() -> None:
    learner = Learner({}, PERIODS)
    assert learner.limits("m") == []
    hit = QuotaHit("requests", "minute", "x", 10)
    assert learner.lower("m", hit, observed=37, generation=0, now=0.0)
    assert learner.limits("m") == [RateLimit(requests=10, period=60.0)]
    # A 429 of a call booked before the lowering says nothing new.
    assert not learner.lower("m", hit, observed=37, generation=0, now=0.1)
    assert learner.generation("m") == 1
    # Without a quota value: the rate observed; then each new hit lowers by DECREASE.
    assert learner.lower("n", MINUTE_HIT, observed=37, generation=0, now=0.0)
    assert learner.limits("n") == [RateLimit(requests=37, period=60.0)]
    assert learner.lower("n", MINUTE_HIT, observed=37, generation=1, now=0.0)
    assert learner.limits("n") == [RateLimit(requests=int(37 * DECREASE), period=60.0)]


def test_learning_lowers_the_configured_window_of_that_kind_and_grows_back_to_it() -> None:
    learner = Learner(
        {
            "*": [
                RateLimit(requests=100, tokens=1000, period=10.0),
                RateLimit(requests=5000, period=86_400),
            ]
        },
        PERIODS,
    )
    hit = QuotaHit("tokens", "minute", "x", None)
    assert learner.period_for("m", hit) == 10.0
    learner.lower("m", hit, observed=0, generation=0, now=0.0)
    assert learner.limits("m")[0] == RateLimit(requests=100, tokens=800, period=10.0)
    assert learner.limits("m")[1] == RateLimit(requests=5000, period=86_400)
    assert learner.limits("other")[0].tokens == 1000  # each model learns on its own
    learner.grow("m", 9.9)  # less than a period since the change: no growth
    assert learner.limits("m")[0].tokens == 800
    values = []
    for k in range(1, 5):
        learner.grow("m", 10.0 * k)
        values.append(learner.limits("m")[0].tokens)
    assert values == [880, 968, 1000, 1000]  # back to the configured limit, not beyond


def test_a_server_quota_value_below_the_configured_limit_replaces_it_and_caps_growth() -> None:
    learner = Learner({"m": [RateLimit(requests=100)]}, PERIODS)
    learner.lower("m", QuotaHit("requests", "minute", "x", 50), observed=0, generation=0, now=0.0)
    assert learner.limits("m") == [RateLimit(requests=50)]
    for k in range(1, 4):
        learner.grow("m", 60.0 * k)
    assert learner.limits("m") == [RateLimit(requests=50)]  # the server's quota caps growth
    # A 429 at the server's own quota: the limit is right, the call came too early (jitter):
    # the window's margin grows by how early it was, at most 5% of the period.
    assert learner.span("m", 60.0) == 61.0
    hit = QuotaHit("requests", "minute", "x", 50)
    learner.lower("m", hit, observed=0, generation=1, now=200.0, early=2.5)
    assert learner.limits("m") == [RateLimit(requests=50)]
    assert learner.span("m", 60.0) == 63.5
    learner.lower("m", hit, observed=0, generation=2, now=200.0, early=30.0)
    assert learner.span("m", 60.0) == 64.0
    learner.grow("m", 259.0)
    assert learner.span("m", 60.0) == 64.0
    learner.grow("m", 260.0)  # a period without 429s halves it
    assert learner.span("m", 60.0) == 62.5
    for k in range(1, 15):
        learner.grow("m", 260.0 + 60 * k)
    assert learner.span("m", 60.0) == 61.0


def test_a_learned_limit_without_ceiling_keeps_growing_until_the_next_429() -> None:
    learner = Learner({}, {"minute": 1.0, "day": 86_400.0})
    learner.lower("m", MINUTE_HIT, observed=3, generation=0, now=0.0)
    learner.grow("m", 1.0)
    learner.grow("m", 2.0)
    assert learner.limits("m") == [RateLimit(requests=5, period=1.0)]


def test_estimate_tokens_counts_text_and_media_cheaply() -> None:
    body = {
        "contents": [
            {"role": "user", "parts": [{"text": "a" * 10}, {"inlineData": {"data": "x" * 9999}}]},
            {"role": "model", "parts": [{"text": "bb"}, {"fileData": {"fileUri": "u"}}]},
        ],
        "systemInstruction": {"parts": [{"text": "c" * 4}]},
        "generationConfig": {"temperature": 0.5},
    }
    assert estimate_tokens(body) == 4 + 2 * MEDIA_TOKENS  # ceil(16 / 4) + two media parts
    assert estimate_tokens({}) == 0
    assert estimate_tokens({"requests": [{"content": {"parts": [{"text": "abcde"}]}}]}) == 2


def test_quota_day_ends_at_midnight_pacific() -> None:
    noon_utc = dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.timezone.utc).timestamp()  # 16:00 PST
    assert seconds_until_quota_day_ends(noon_utc) == 8 * 3600
    summer = dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.timezone.utc).timestamp()  # 23:30 PDT
    assert seconds_until_quota_day_ends(summer) == 1800
