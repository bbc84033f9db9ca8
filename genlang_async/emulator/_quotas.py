"""Quota simulation: per-model request and input-token quotas per API key, over a sliding window.

A request over quota is answered like the live API: 429 ``RESOURCE_EXHAUSTED`` with a
``QuotaFailure`` (metric, id, dimensions, value), a ``Help`` link and a ``RetryInfo``. A quota
whose period is a day or longer carries the live API's per-day ids, any shorter one its
per-minute ids (so tests can use periods of a second and still see per-minute quota ids).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from ._errors import ApiError, retry_info

#: The routes quotas apply to (the live API counts generation calls against these quotas).
QUOTA_ROUTES = frozenset({"models.generateContent", "models.streamGenerateContent"})

DAY = 86_400.0
TIERS = ("free", "paid")

_SERVICE = "generativelanguage.googleapis.com/"
#: (tier, kind, per) -> (quota metric, quota id), as the live API names them.
_NAMES: dict[tuple[str, str, str], tuple[str, str]] = {
    ("free", "requests", "minute"): (
        "generate_content_free_tier_requests",
        "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
    ),
    ("free", "requests", "day"): (
        "generate_content_free_tier_requests",
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
    ),
    ("free", "tokens", "minute"): (
        "generate_content_free_tier_input_token_count",
        "GenerateContentInputTokensPerModelPerMinute-FreeTier",
    ),
    ("free", "tokens", "day"): (
        "generate_content_free_tier_input_token_count",
        "GenerateContentInputTokensPerModelPerDay-FreeTier",
    ),
    ("paid", "requests", "minute"): (
        "generate_requests_per_model",
        "GenerateRequestsPerMinutePerProjectPerModel",
    ),
    ("paid", "requests", "day"): (
        "generate_requests_per_model_per_day",
        "GenerateRequestsPerDayPerProjectPerModel",
    ),
    ("paid", "tokens", "minute"): (
        "generate_content_paid_tier_input_token_count",
        "GenerateContentPaidTierInputTokensPerModelPerMinute",
    ),
    ("paid", "tokens", "day"): (
        "generate_content_paid_tier_input_token_count",
        "GenerateContentPaidTierInputTokensPerModelPerDay",
    ),
}
_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
    "To monitor your current usage, head to: https://ai.dev/rate-limit. "
)
_HELP = {
    "@type": "type.googleapis.com/google.rpc.Help",
    "links": [
        {
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
        }
    ],
}


def _positive_int(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an int >= 0 or None, got {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class Quota:
    """At most ``requests`` calls and ``tokens`` input tokens per ``period`` seconds, per API
    key and model (``model="*"``: every model, each on its own budget)."""

    model: str
    requests: int | None = None
    tokens: int | None = None
    period: float = 60.0
    tier: str = "free"

    def __post_init__(self) -> None:
        _positive_int("requests", self.requests)
        _positive_int("tokens", self.tokens)
        if self.requests is None and self.tokens is None:
            raise ValueError("a quota needs requests=, tokens= or both")
        if not isinstance(self.period, (int, float)) or not self.period > 0:
            raise ValueError(f"period must be a number of seconds > 0, got {self.period!r}")
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {self.tier!r}")
        object.__setattr__(self, "model", self.model.removeprefix("models/"))

    @property
    def per(self) -> str:
        """``"day"`` or ``"minute"``: which of the live API's quota ids this one carries."""
        return "day" if self.period >= DAY else "minute"

    def over(self, window: _Window, now: float, cost: int) -> list[tuple[str, float]]:
        """(kind, seconds until it fits) for each limit one more call of ``cost`` breaks."""
        found = []
        if self.requests is not None:
            late = window.wait_for_requests(now, self.period, self.requests)
            if late is not None:
                found.append(("requests", late))
        if self.tokens is not None:
            late = window.wait_for_tokens(now, self.period, self.tokens, cost)
            if late is not None:
                found.append(("tokens", late))
        return found

    def violation(self, kind: str, model: str) -> dict[str, Any]:
        metric, quota_id = _NAMES[(self.tier, kind, self.per)]
        return {
            "quotaMetric": _SERVICE + metric,
            "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": model},
            "quotaValue": str(self.requests if kind == "requests" else self.tokens),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "requests": self.requests,
            "tokens": self.tokens,
            "period": self.period,
            "tier": self.tier,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quota:
        unknown = set(data) - {"model", "requests", "tokens", "period", "tier"}
        if unknown:
            raise ValueError(f"unknown quota field(s) {sorted(unknown)}")
        if not isinstance(data.get("model"), str):
            raise ValueError("a quota needs a model name (or '*')")
        return cls(**data)

    @classmethod
    def parse(cls, text: str) -> Quota:
        """``MODEL:requests=N,tokens=M,period=SECONDS,tier=free|paid`` (the CLI's spelling)."""
        model, sep, rest = text.partition(":")
        if not sep or not model:
            raise ValueError(f"expected MODEL:requests=N,tokens=M,period=S; got {text!r}")
        fields: dict[str, Any] = {"model": model}
        for item in filter(None, rest.split(",")):
            key, eq, value = item.partition("=")
            key = key.strip()
            if not eq or key not in ("requests", "tokens", "period", "tier"):
                raise ValueError(f"bad quota setting {item!r} in {text!r}")
            fields[key] = value.strip() if key == "tier" else _number(key, value)
        return cls.from_dict(fields)


def _number(key: str, value: str) -> int | float:
    try:
        return float(value) if key == "period" else int(value)
    except ValueError as exc:
        raise ValueError(f"{key} must be a number, got {value!r}") from exc


class _Window:
    """Admitted calls of one (API key, model, quota) in the last ``period`` seconds."""

    __slots__ = ("entries", "tokens")

    def __init__(self) -> None:
        self.entries: deque[tuple[float, int]] = deque()
        self.tokens = 0

    def prune(self, now: float, period: float) -> None:
        entries = self.entries
        while entries and entries[0][0] <= now - period:
            self.tokens -= entries.popleft()[1]

    def wait_for_requests(self, now: float, period: float, limit: int) -> float | None:
        """Seconds until one more call fits, or ``None`` if it fits now."""
        if len(self.entries) < limit:
            return None
        if limit == 0:
            return period
        return self.entries[len(self.entries) - limit][0] + period - now

    def wait_for_tokens(self, now: float, period: float, limit: int, cost: int) -> float | None:
        """Seconds until ``cost`` more tokens fit, or ``None`` if they fit now."""
        if self.tokens + cost <= limit:
            return None
        if cost > limit:
            return period
        freed = self.tokens
        for when, tokens in self.entries:
            freed -= tokens
            if freed + cost <= limit:
                return when + period - now
        return period  # unreachable: an empty window fits any cost <= limit


class QuotaTable:
    """The emulator's quotas and their usage. Safe to change from another thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._quotas: dict[tuple[str, str], Quota] = {}
        self._usage: dict[tuple[str, str, str], _Window] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def set(
        self,
        model: str,
        *,
        requests: int | None = None,
        tokens: int | None = None,
        period: float = 60.0,
        tier: str = "free",
    ) -> Quota:
        """Limit ``model`` (a model id, or ``"*"`` for each model) to ``requests`` calls and
        ``tokens`` input tokens per ``period`` seconds per API key. A model holds one
        per-minute and one per-day quota (``period >= 86400``); setting one replaces it."""
        return self.add(Quota(model, requests, tokens, period, tier))

    def add(self, quota: Quota) -> Quota:
        with self._lock:
            self._quotas[(quota.model, quota.per)] = quota
            for key in [k for k in self._usage if k[1:] == (quota.model, quota.per)]:
                del self._usage[key]
        return quota

    def clear(self, model: str | None = None) -> None:
        """Remove the quotas of ``model`` (all quotas when ``None``) and their usage."""
        with self._lock:
            if model is None:
                self._quotas.clear()
                self._usage.clear()
                return
            model = model.removeprefix("models/")
            self._quotas = {k: q for k, q in self._quotas.items() if k[0] != model}
            self._usage = {k: w for k, w in self._usage.items() if k[1] != model}

    @property
    def active(self) -> list[Quota]:
        with self._lock:
            return list(self._quotas.values())

    def _applying(self, model: str) -> list[Quota]:
        found = []
        for per in ("minute", "day"):
            quota = self._quotas.get((model, per)) or self._quotas.get(("*", per))
            if quota is not None:
                found.append(quota)
        return found

    def admit(self, api_key: str, model: str, tokens: Callable[[], int]) -> None:
        """Count one call of ``model`` (``models/x`` or ``x``) for ``api_key``, or raise the
        live API's 429 if it is over a quota. ``tokens()`` gives the call's input tokens."""
        if not self._quotas:
            return
        model = model.removeprefix("models/")
        with self._lock:
            quotas = self._applying(model)
            if not quotas:
                return
            cost = tokens() if any(q.tokens is not None for q in quotas) else 0
            now = self._clock()
            violations: list[dict[str, Any]] = []
            wait = 0.0
            windows = []
            for quota in quotas:
                window = self._usage.setdefault((api_key, model, quota.per), _Window())
                window.prune(now, quota.period)
                windows.append(window)
                for kind, late in quota.over(window, now, cost):
                    violations.append(quota.violation(kind, model))
                    wait = max(wait, late)
            if violations:
                raise _exhausted(violations, wait, model)
            for window in windows:
                window.entries.append((now, cost))
                window.tokens += cost


def _exhausted(violations: list[dict[str, Any]], wait: float, model: str) -> ApiError:
    lines = "".join(
        f"* Quota exceeded for metric: {v['quotaMetric']}, limit: {v['quotaValue']}, "
        f"model: {model}\n"
        for v in violations
    )
    message = f"{_MESSAGE}\n{lines}Please retry in {wait:.6f}s."
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": violations},
        _HELP,
        retry_info(wait),
    ]
    return ApiError(429, message, details=details)
