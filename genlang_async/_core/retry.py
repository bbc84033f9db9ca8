"""Retry policy: which failures are retried and how long to wait. Pure functions, no I/O.

The rule
--------
A request is tried once and retried up to ``max_retries`` more times (default
:data:`DEFAULT_MAX_RETRIES` = 2, so at most 3 attempts) when the outcome is transient:

* HTTP 408, 429, 500, 502, 503, 504;
* a connection that could not be opened (refused, DNS failure, connect timeout);
* a connection lost mid-exchange, or a read / total timeout.

Requests that create a resource (not idempotent: ``POST`` of tunedModels, corpora,
cachedContents, files, batches, ...) are retried only when the request certainly did not take
effect: the connection could not be opened, or the server answered 429 (rate limited) or 503
(unavailable). A 500, a timeout or a dropped connection after sending is not retried, because
the resource may already exist.

Waiting: the server's hint wins when there is one (``Retry-After`` header, as seconds or an
HTTP date, or a ``google.rpc.RetryInfo.retryDelay`` in the error body; the larger of the two).
If the server asks to wait longer than ``max_server_delay`` (default 60 s) the error is raised
at once instead of sleeping. Without a hint the wait is exponential backoff with jitter:
``min(MAX_BACKOFF, INITIAL_BACKOFF * 2**n)`` scaled by a random factor in ``[1 - JITTER, 1]``.
"""

from __future__ import annotations

import email.utils
import enum
import math
import random as _random
from collections.abc import Callable
from typing import NamedTuple

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "INITIAL_BACKOFF",
    "JITTER",
    "MAX_BACKOFF",
    "MAX_SERVER_DELAY",
    "NOT_APPLIED_STATUS_CODES",
    "RETRYABLE_STATUS_CODES",
    "Decision",
    "Failure",
    "backoff",
    "decide",
    "is_retryable",
    "parse_retry_after",
]

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt (so 3 attempts in all)."""

INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0
JITTER = 0.25
MAX_SERVER_DELAY = 60.0

RETRYABLE_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
NOT_APPLIED_STATUS_CODES = frozenset({429, 503})
"""Statuses after which a request certainly had no effect (safe to retry any request)."""


class Failure(enum.Enum):
    """A failure without an HTTP response."""

    CONNECT = "connect"
    """No connection could be opened (refused, DNS, connect timeout): nothing was sent."""
    LOST = "lost"
    """The connection dropped after the request may have been sent."""
    TIMEOUT = "timeout"
    """A read or total timeout after the request was sent."""
    FATAL = "fatal"
    """Not worth retrying (TLS certificate errors, invalid URLs, ...)."""


class Decision(NamedTuple):
    retry: bool
    delay: float
    reason: str


def is_retryable(
    *, status: int | None = None, failure: Failure | None = None, idempotent: bool = True
) -> bool:
    """Whether an outcome (an HTTP status or a :class:`Failure`) may be retried."""
    if failure is not None:
        if failure is Failure.CONNECT:
            return True
        if failure is Failure.FATAL:
            return False
        return idempotent
    if status is None:
        return False
    if idempotent:
        return status in RETRYABLE_STATUS_CODES
    return status in NOT_APPLIED_STATUS_CODES


def backoff(
    retry_index: int,
    *,
    initial: float = INITIAL_BACKOFF,
    maximum: float = MAX_BACKOFF,
    jitter: float = JITTER,
    rand: Callable[[], float] = _random.random,
) -> float:
    """Seconds to wait before retry number ``retry_index`` (0 for the first retry).

    Always within ``[base * (1 - jitter), base]`` where ``base = min(maximum, initial * 2**n)``.
    """
    base = maximum if retry_index >= 64 else min(maximum, initial * (2.0**retry_index))
    r = min(max(rand(), 0.0), 1.0)
    return base * (1.0 - jitter * r)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or ``None`` if unreadable.

    Accepts delta-seconds (``"120"``, also ``"1.5"``) or an HTTP date; ``now`` is the current
    Unix time. A date in the past gives ``0.0``.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def decide(
    *,
    retries_done: int,
    max_retries: int,
    idempotent: bool,
    status: int | None = None,
    failure: Failure | None = None,
    server_delay: float | None = None,
    max_server_delay: float = MAX_SERVER_DELAY,
    rand: Callable[[], float] = _random.random,
) -> Decision:
    """Decide whether to retry after a failed attempt, and how long to wait first."""
    what = f"HTTP {status}" if failure is None else f"{failure.value} failure"
    if not is_retryable(status=status, failure=failure, idempotent=idempotent):
        qualifier = "" if idempotent else " for a non-idempotent request"
        return Decision(False, 0.0, f"{what} is not retryable{qualifier}")
    if retries_done >= max_retries:
        return Decision(False, 0.0, f"{what}: no retries left ({max_retries} allowed)")
    if server_delay is not None:
        if server_delay > max_server_delay:
            return Decision(
                False,
                server_delay,
                f"{what}: server asked to wait {server_delay:g}s, over the "
                f"{max_server_delay:g}s limit",
            )
        return Decision(True, max(0.0, server_delay), f"{what}: server asked to wait")
    return Decision(True, backoff(retries_done, rand=rand), f"{what}: backing off")
