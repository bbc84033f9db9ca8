"""The retry policy as tables and properties (pure functions, no I/O)."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genlang_async._core.retry import (
    DEFAULT_MAX_RETRIES,
    INITIAL_BACKOFF,
    JITTER,
    MAX_BACKOFF,
    Failure,
    backoff,
    decide,
    is_retryable,
    parse_retry_after,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("status", "idempotent", "expected"),
    [
        (200, True, False),
        (400, True, False),
        (401, True, False),
        (403, True, False),
        (404, True, False),
        (408, True, True),
        (409, True, False),
        (429, True, True),
        (500, True, True),
        (501, True, False),
        (502, True, True),
        (503, True, True),
        (504, True, True),
        (408, False, False),
        (429, False, True),
        (500, False, False),
        (502, False, False),
        (503, False, True),
        (504, False, False),
    ],
)
def test_retryable_statuses(status: int, idempotent: bool, expected: bool) -> None:
    assert is_retryable(status=status, idempotent=idempotent) is expected


@pytest.mark.parametrize(
    ("failure", "idempotent", "expected"),
    [
        (Failure.CONNECT, True, True),
        (Failure.CONNECT, False, True),
        (Failure.LOST, True, True),
        (Failure.LOST, False, False),
        (Failure.TIMEOUT, True, True),
        (Failure.TIMEOUT, False, False),
        (Failure.FATAL, True, False),
        (Failure.FATAL, False, False),
    ],
)
def test_retryable_failures(failure: Failure, idempotent: bool, expected: bool) -> None:
    assert is_retryable(failure=failure, idempotent=idempotent) is expected


def test_nothing_to_retry() -> None:
    assert is_retryable() is False


def test_default_max_retries() -> None:
    assert DEFAULT_MAX_RETRIES == 2


def test_decide_uses_budget() -> None:
    for done in range(3):
        decision = decide(retries_done=done, max_retries=2, idempotent=True, status=503)
        assert decision.retry is (done < 2)
    assert not decide(retries_done=0, max_retries=0, idempotent=True, status=503).retry


def test_decide_prefers_server_delay_and_caps_it() -> None:
    d = decide(retries_done=0, max_retries=2, idempotent=True, status=429, server_delay=3.5)
    assert d.retry
    assert d.delay == 3.5
    d = decide(
        retries_done=0,
        max_retries=2,
        idempotent=True,
        status=429,
        server_delay=61,
        max_server_delay=60,
    )
    assert not d.retry
    assert "60" in d.reason


def test_decide_backoff_without_hint() -> None:
    d = decide(retries_done=1, max_retries=3, idempotent=True, status=500, rand=lambda: 0.0)
    assert d.delay == INITIAL_BACKOFF * 2


def test_decide_non_idempotent() -> None:
    assert not decide(retries_done=0, max_retries=2, idempotent=False, status=500).retry
    assert decide(retries_done=0, max_retries=2, idempotent=False, status=503).retry
    assert decide(retries_done=0, max_retries=2, idempotent=False, failure=Failure.CONNECT).retry
    assert not decide(
        retries_done=0, max_retries=2, idempotent=False, failure=Failure.TIMEOUT
    ).retry


@given(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_backoff_within_bounds(retry_index: int, r: float) -> None:
    delay = backoff(retry_index, rand=lambda: r)
    base = min(MAX_BACKOFF, INITIAL_BACKOFF * 2.0 ** min(retry_index, 64))
    assert base * (1 - JITTER) - 1e-9 <= delay <= base + 1e-9
    assert 0 < delay <= MAX_BACKOFF


@given(st.integers(min_value=0, max_value=30), st.floats(min_value=-5.0, max_value=5.0))
def test_backoff_clamps_bad_random(retry_index: int, r: float) -> None:
    assert 0 < backoff(retry_index, rand=lambda: r) <= MAX_BACKOFF


@given(st.integers(min_value=0, max_value=10**7))
def test_retry_after_delta_seconds(seconds: int) -> None:
    assert parse_retry_after(str(seconds), now=NOW) == seconds
    assert parse_retry_after(f"  {seconds} ", now=NOW) == seconds


@given(st.integers(min_value=-86_400, max_value=86_400 * 365))
def test_retry_after_http_date(offset: int) -> None:
    when = dt.datetime.fromtimestamp(NOW + offset, tz=dt.timezone.utc)
    parsed = parse_retry_after(format_datetime(when, usegmt=True), now=NOW)
    assert parsed == max(0.0, float(offset))


@given(st.text(max_size=40))
def test_retry_after_never_raises(text: str) -> None:
    parsed = parse_retry_after(text, now=NOW)
    assert parsed is None or parsed >= 0


@pytest.mark.parametrize("text", ["", "soon", "-1", "nan", "inf", "Wed, 32 Foo 2024"])
def test_retry_after_rejects(text: str) -> None:
    assert parse_retry_after(text, now=NOW) is None


def test_retry_after_examples() -> None:
    assert parse_retry_after(None, now=NOW) is None
    assert parse_retry_after("1.5", now=NOW) == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=NOW) == 0.0
