"""Pure pacing algorithms: booking windows, learned limits, quota classification, token estimates.

Nothing here reads a clock or sleeps: callers pass ``now``. The scheme is *booking*: a call
asks for the earliest time at which it fits every window of its model and books that slot at
once, so each caller learns its exact wait from one computation (no polling, and no herd when
capacity returns: slots are handed out in order, one per caller).

A window holds the calls of one model booked in the last ``span`` seconds (the limit's period
plus a small safety margin for network jitter). A call fits at time ``T`` when fewer than
``requests`` calls and at most ``tokens - cost`` tokens were booked in ``(T - span, T]``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

__all__ = [
    "DAY",
    "DECREASE",
    "INCREASE",
    "MEDIA_TOKENS",
    "Entry",
    "Learner",
    "QuotaHit",
    "RateLimit",
    "Window",
    "book",
    "estimate_tokens",
    "margin",
    "model_key",
    "seconds_until_quota_day_ends",
]

DAY = 86_400.0
#: Factor applied to a limit when the server says it is too high.
DECREASE = 0.8
#: Factor a learned limit grows by after each full period without a 429.
INCREASE = 1.1
#: Tokens counted for one image, audio, video or document part (the API's flat cost per image).
MEDIA_TOKENS = 258
_CHARS_PER_TOKEN = 4


def _count(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1 or None, got {value!r}")
    return value


def _requests(value: object) -> int | None:
    return _count("requests", value)


def _tokens(value: object) -> int | None:
    return _count("tokens", value)


def _period(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"period must be a number of seconds > 0, got {value!r}")
    if math.isinf(value):
        raise ValueError("period must be finite")
    return float(value)


@attrs.frozen
class RateLimit:
    """At most ``requests`` calls and ``tokens`` input tokens per ``period`` seconds.

    ``tokens`` counts prompt (input) tokens, as the API's token quotas do. Leave either at
    ``None`` for no limit on it.
    """

    requests: int | None = attrs.field(default=None, converter=_requests)
    tokens: int | None = attrs.field(default=None, converter=_tokens)
    period: float = attrs.field(default=60.0, converter=_period)

    def __attrs_post_init__(self) -> None:
        if self.requests is None and self.tokens is None:
            raise ValueError("RateLimit needs requests=, tokens= or both")

    @property
    def per(self) -> str:
        """``"day"`` for periods of a day or more, else ``"minute"`` (the quota it stands for)."""
        return "day" if self.period >= DAY else "minute"


def model_key(model: str) -> str:
    """The name limits are keyed by: ``models/x`` -> ``x``; other names unchanged."""
    return model.removeprefix("models/")


def margin(period: float) -> float:
    """Seconds added to a window so that network jitter cannot make the server see a call
    inside the previous one's window: 2% of the period, at most one second."""
    return min(0.02 * period, 1.0)


class Entry:
    """One booked call in one window."""

    __slots__ = ("at", "cost", "live")

    def __init__(self, at: float, cost: int) -> None:
        self.at = at
        self.cost = cost
        self.live = True


class Window:
    """The calls of one model booked in the last ``span`` seconds, oldest first."""

    __slots__ = ("entries", "span", "tokens")

    def __init__(self, span: float) -> None:
        self.span = span
        self.entries: deque[Entry] = deque()
        self.tokens = 0

    def prune(self, now: float) -> None:
        """Forget calls that left the window by ``now``."""
        entries, cutoff = self.entries, now - self.span
        while entries and entries[0].at <= cutoff:
            gone = entries.popleft()
            gone.live = False
            self.tokens -= gone.cost

    def earliest(self, at: float, cost: int, requests: int | None, tokens: int | None) -> float:
        """The earliest time ``>= at`` when one more call of ``cost`` tokens fits.

        A cost above ``tokens`` is treated as ``tokens`` (it fits an empty window), so an
        underestimated limit slows calls down instead of blocking them for ever.
        """
        entries = self.entries
        if requests is not None and len(entries) >= requests:
            at = max(at, entries[len(entries) - requests].at + self.span)
        if tokens is not None and self.tokens + cost > tokens:
            must_leave = self.tokens + min(cost, tokens) - tokens
            for entry in entries:
                must_leave -= entry.cost
                if must_leave <= 0:
                    at = max(at, entry.at + self.span)
                    break
        return at

    def add(self, at: float, cost: int) -> Entry:
        entry = Entry(at, cost)
        self.entries.append(entry)
        self.tokens += cost
        return entry

    def adjust(self, entry: Entry, cost: int) -> None:
        """Replace a booked call's token estimate by its actual cost."""
        if entry.live:
            self.tokens += cost - entry.cost
        entry.cost = cost

    def remove(self, entry: Entry) -> None:
        """Give back a booked slot (the call was cancelled before it was sent)."""
        if entry.live:
            self.entries.remove(entry)
            entry.live = False
            self.tokens -= entry.cost

    def count(self, since: float) -> int:
        """Calls booked after ``since``."""
        return sum(1 for entry in self.entries if entry.at > since)


def book(
    windows: Sequence[tuple[Window, int | None, int | None]], not_before: float, cost: int
) -> tuple[float, list[tuple[Window, Entry]]]:
    """Book the earliest slot ``>= not_before`` that fits every ``(window, requests, tokens)``;
    returns its time and the entries made (one per window)."""
    at = not_before
    for window, requests, tokens in windows:
        at = window.earliest(at, cost, requests, tokens)
    return at, [(window, window.add(at, cost)) for window, _, _ in windows]


# -- quotas named by the server -----------------------------------------------------------


class Violation(Protocol):
    """What a ``google.rpc.QuotaFailure`` violation says (``QuotaViolation`` has it)."""

    @property
    def quota_id(self) -> str: ...
    @property
    def quota_metric(self) -> str: ...
    @property
    def quota_dimensions(self) -> Mapping[str, str]: ...
    @property
    def quota_value(self) -> int | None: ...


@attrs.frozen
class QuotaHit:
    """A per-model quota the server says was exceeded."""

    kind: str  # "requests" or "tokens"
    per: str  # "minute" or "day"
    quota_id: str
    value: int | None  # the quota's limit, when the server gave it

    @classmethod
    def parse(cls, violations: Iterable[Violation]) -> list[QuotaHit]:
        """The per-minute and per-day per-model quotas among ``violations`` (others, such as
        project-wide quotas or ones that name no period, are left out)."""
        hits = []
        for violation in violations:
            text = f"{violation.quota_id} {violation.quota_metric}".lower().replace("_", "")
            if "model" not in text and "model" not in violation.quota_dimensions:
                continue
            if "perday" in text:
                per = "day"
            elif "perminute" in text:
                per = "minute"
            else:
                continue
            kind = "tokens" if "token" in text else "requests"
            hits.append(cls(kind, per, violation.quota_id, violation.quota_value))
        return hits


def _value_in(limits: Iterable[RateLimit], kind: str, period: float) -> int | None:
    """The ``kind`` limit of the window of ``period`` among ``limits``."""
    for limit in limits:
        if limit.period == period:
            value: int | None = getattr(limit, kind)
            return value
    return None


@attrs.define
class _Learned:
    value: int
    ceiling: int | None  # never grows past this (configured limit or the server's quota)
    changed: float  # when value last changed


class Learner:
    """Limits learned from 429s, per model: lowered at once, grown back slowly.

    ``configured`` maps a model key (or ``"*"``) to the user's limits; ``quota_periods`` says
    how long the server's per-minute and per-day windows are.
    """

    def __init__(
        self, configured: Mapping[str, Sequence[RateLimit]], quota_periods: Mapping[str, float]
    ) -> None:
        self.configured = {model_key(k): tuple(v) for k, v in configured.items()}
        self.quota_periods = dict(quota_periods)
        self._learned: dict[str, dict[tuple[str, float], _Learned]] = {}
        self._generation: dict[str, int] = {}
        self._effective: dict[str, list[RateLimit]] = {}

    def configured_for(self, model: str) -> tuple[RateLimit, ...]:
        found = self.configured.get(model)
        return found if found is not None else self.configured.get("*", ())

    def generation(self, model: str) -> int:
        """Bumped at every lowering: 429s of calls booked before it say nothing new."""
        return self._generation.get(model, 0)

    def limits(self, model: str) -> list[RateLimit]:
        """The limits in force for ``model``: configured ones, lowered where learned, plus
        learned ones for windows nothing was configured for."""
        found = self._effective.get(model)
        if found is None:
            found = self._effective[model] = self._compute(model)
        return found

    def _compute(self, model: str) -> list[RateLimit]:
        learned = self._learned.get(model)
        configured = self.configured_for(model)
        if not learned:
            return list(configured)
        out = []
        for limit in configured:
            requests = learned.get(("requests", limit.period))
            tokens = learned.get(("tokens", limit.period))
            out.append(
                RateLimit(
                    requests.value if requests else limit.requests,
                    tokens.value if tokens else limit.tokens,
                    limit.period,
                )
            )
        periods = {limit.period for limit in configured}
        extra: dict[float, dict[str, int]] = {}
        for (kind, period), entry in learned.items():
            if period not in periods:
                extra.setdefault(period, {})[kind] = entry.value
        out.extend(RateLimit(period=period, **kinds) for period, kinds in sorted(extra.items()))
        return out

    def period_for(self, model: str, hit: QuotaHit) -> float:
        """The window a quota hit applies to: the configured one of the same kind and span,
        else the server's (``quota_periods``)."""
        for limit in self.configured_for(model):
            if limit.per == hit.per and getattr(limit, hit.kind) is not None:
                return limit.period
        return self.quota_periods[hit.per]

    def lower(
        self, model: str, hit: QuotaHit, *, observed: int, generation: int, now: float
    ) -> bool:
        """Lower ``model``'s limit after a per-minute quota hit by a call booked in
        ``generation``; ``observed`` is how many calls the window held. Returns whether the
        limit changed (a 429 of a call booked before the last lowering changes nothing)."""
        if generation != self.generation(model):
            return False
        period = self.period_for(model, hit)
        current = _value_in(self.limits(model), hit.kind, period)
        if current is None:
            value = hit.value if hit.value else max(1, observed)
        elif hit.value and hit.value < current:
            value = hit.value
        else:
            value = max(1, int(current * DECREASE))
        ceilings = [c for c in (self._configured_value(model, hit.kind, period), hit.value) if c]
        ceiling = min(ceilings) if ceilings else None
        entries = self._learned.setdefault(model, {})
        entries[(hit.kind, period)] = _Learned(value, ceiling, now)
        self._generation[model] = generation + 1
        self._effective.pop(model, None)
        return True

    def _configured_value(self, model: str, kind: str, period: float) -> int | None:
        return _value_in(self.configured_for(model), kind, period)

    def grow(self, model: str, now: float) -> None:
        """A call succeeded: raise learned limits of ``model`` by ``INCREASE`` once per
        period, up to their ceiling (where a configured limit takes over again)."""
        entries = self._learned.get(model)
        if not entries:
            return
        for key, entry in list(entries.items()):
            if now - entry.changed < key[1]:
                continue
            value = max(entry.value + 1, int(entry.value * INCREASE))
            self._effective.pop(model, None)
            if entry.ceiling is not None and value >= entry.ceiling:
                if self._configured_value(model, *key) == entry.ceiling:
                    del entries[key]
                    continue
                value = entry.ceiling
            entry.value, entry.changed = value, now


# -- token estimates ----------------------------------------------------------------------


def estimate_tokens(body: Any) -> int:
    """A cheap upper-leaning estimate of a request's input tokens: one per four characters
    of text, :data:`MEDIA_TOKENS` per inline or file part."""
    chars = 0
    media = 0
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "text" and isinstance(value, str):
                    chars += len(value)
                elif key in ("inlineData", "fileData", "inline_data", "file_data"):
                    media += 1
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return -(-chars // _CHARS_PER_TOKEN) + MEDIA_TOKENS * media


def seconds_until_quota_day_ends(unix_time: float) -> float:
    """Seconds from ``unix_time`` to the next midnight in US Pacific time, when the API's
    per-day quotas reset."""
    import datetime as _dt

    tz: _dt.tzinfo
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("America/Los_Angeles")
    except Exception:  # no time zone database: Pacific standard time
        tz = _dt.timezone(_dt.timedelta(hours=-8))
    local = _dt.datetime.fromtimestamp(unix_time, tz)
    midnight = (local + _dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.timestamp() - unix_time
