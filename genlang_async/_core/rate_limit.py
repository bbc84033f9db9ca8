"""Pure pacing algorithms: booking windows, learned limits, quota classification, token estimates.

Nothing here reads a clock or sleeps: callers pass ``now``. The scheme is *booking*: a call
asks for the earliest time at which it fits every window of its model and books that slot at
once, so each caller learns its exact wait from one computation (no polling, and no herd when
capacity returns: slots are handed out in order, one per caller, evenly spaced).

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
    "BURST",
    "DAY",
    "DECREASE",
    "INCREASE",
    "MAX_EXTRA_MARGIN",
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
#: Most a window's learned safety margin may add, as a share of its period.
MAX_EXTRA_MARGIN = 0.05
#: Share of a window that may go out at once; past it, calls are spaced evenly.
BURST = 0.05
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
    """Seconds added to a window so that network and scheduling jitter cannot make the
    server see a call inside the previous one's window: 2% of the period plus 50 ms, at
    most one second (and at most a tenth of the period)."""
    return min(0.02 * period + 0.05, 1.0, 0.1 * period)


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

    def earliest(
        self, at: float, now: float, cost: int, requests: int | None, tokens: int | None
    ) -> float:
        """The earliest time ``>= at`` when one more call of ``cost`` tokens fits.

        Once a window shorter than a day is :data:`BURST` full, calls also keep one share of
        it (``span / requests``, or their share of ``tokens``) after the latest booking: they
        go out evenly spaced rather than in bursts, which reach the server spread out (it
        receives them one after another) and would echo from window to window, each meeting
        the tail of the one before. An idle window still lets a small burst through; a
        day's budget may be spent as fast as the shorter windows allow.

        A cost above ``tokens`` is treated as ``tokens`` (it fits an empty window), so an
        underestimated limit slows calls down instead of blocking them for ever.
        """
        entries, share = self.entries, 0.0
        if requests is not None:
            if len(entries) >= requests:
                at = max(at, entries[len(entries) - requests].at + self.span)
            if len(entries) >= requests * BURST:
                share = self.span / requests
        if tokens is not None:
            if self.tokens + cost > tokens:
                must_leave = self.tokens + min(cost, tokens) - tokens
                for entry in entries:
                    must_leave -= entry.cost
                    if must_leave <= 0:
                        at = max(at, entry.at + self.span)
                        break
            if self.tokens + cost > tokens * BURST:
                share = max(share, self.span * min(cost, tokens) / tokens)
        if share and entries and self.span < DAY:
            at = max(at, entries[-1].at + share)
        return at

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

    def postpone(self, now: float, seconds: float) -> None:
        """Move every slot after ``now`` ``seconds`` later (their order is kept)."""
        for entry in reversed(self.entries):
            if entry.at <= now:
                break
            entry.at += seconds

    def count(self, since: float) -> int:
        """Calls booked after ``since``."""
        return sum(1 for entry in self.entries if entry.at > since)


def book(
    windows: Sequence[tuple[Window, int | None, int | None]], now: float, last: float, cost: int
) -> tuple[float, list[tuple[Window, Entry]]]:
    """Book the earliest slot, no earlier than ``now`` nor than the model's ``last`` booking,
    that fits every ``(window, requests, tokens)`` (pruned to ``now`` first); returns its
    time and the entries made."""
    at = now if now > last else last
    for window, requests, tokens in windows:
        window.prune(now)
        at = window.earliest(at, now, cost, requests, tokens)
    booked = []
    for window, _, _ in windows:
        entry = Entry(at, cost)
        window.entries.append(entry)
        window.tokens += cost
        booked.append((window, entry))
    return at, booked


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
        #: Extra safety margin per model and window: (seconds, when it last grew or shrank).
        self._extra: dict[str, dict[float, tuple[float, float]]] = {}
        self._generation: dict[str, int] = {}
        self._lowered: dict[str, int] = {}
        self._effective: dict[str, list[RateLimit]] = {}
        #: Bumped at every change of any model's limits or margins.
        self.version = 0

    @property
    def learned(self) -> bool:
        """Whether any limit or margin was learned (else there is nothing to grow back)."""
        return bool(self._learned or self._extra)

    def _changed(self, model: str) -> None:
        self._effective.pop(model, None)
        self.version += 1

    def configured_for(self, model: str) -> tuple[RateLimit, ...]:
        found = self.configured.get(model)
        return found if found is not None else self.configured.get("*", ())

    def generation(self, model: str) -> int:
        """Bumped at every change: 429s of calls booked before it say nothing new."""
        return self._generation.get(model, 0)

    def lowered(self, model: str) -> int:
        """Bumped when a limit is lowered: calls waiting on slots booked before should book
        again (a wider margin does not need that: waiting calls keep their places)."""
        return self._lowered.get(model, 0)

    def span(self, model: str, period: float) -> float:
        """The length of ``model``'s window for a limit of ``period``: the period, its
        :func:`margin`, and any margin learned from 429s that came too early."""
        extra = self._extra.get(model)
        return period + margin(period) + (extra[period][0] if extra and period in extra else 0)

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
        self,
        model: str,
        hit: QuotaHit,
        *,
        observed: int,
        generation: int,
        now: float,
        early: float = 0.0,
    ) -> bool:
        """Lower ``model``'s rate after a per-minute quota hit by a call booked in
        ``generation``; ``observed`` is how many calls the window held, ``early`` how long
        the server asked to wait. Returns whether anything changed (a 429 of a call booked
        before the last change says nothing new).

        When the server's quota equals the limit in force, the limit is right and the call
        reached the server too early (network or scheduling jitter): the window's margin
        grows by ``early`` instead, up to :data:`MAX_EXTRA_MARGIN` of the period.
        """
        if generation != self.generation(model):
            return False
        period = self.period_for(model, hit)
        current = _value_in(self.limits(model), hit.kind, period)
        self._generation[model] = generation + 1
        self._changed(model)
        if current is not None and hit.value is not None and hit.value >= current:
            extras = self._extra.setdefault(model, {})
            extra = extras.get(period, (0.0, now))[0] + max(early, 0.001)
            extras[period] = (min(extra, MAX_EXTRA_MARGIN * period), now)
            return True
        self._lowered[model] = self.lowered(model) + 1
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
        return True

    def _configured_value(self, model: str, kind: str, period: float) -> int | None:
        return _value_in(self.configured_for(model), kind, period)

    def grow(self, model: str, now: float) -> None:
        """A call succeeded: raise learned limits of ``model`` by ``INCREASE`` once per
        period, up to their ceiling (where a configured limit takes over again), and halve
        learned margins once per period."""
        extras = self._extra.get(model)
        if extras:
            for period, (extra, changed) in list(extras.items()):
                if now - changed >= period:
                    self._changed(model)
                    if extra < 0.002:
                        del extras[period]
                    else:
                        extras[period] = (extra / 2, now)
        entries = self._learned.get(model)
        if not entries:
            return
        for key, entry in list(entries.items()):
            if now - entry.changed < key[1]:
                continue
            value = max(entry.value + 1, int(entry.value * INCREASE))
            self._changed(model)
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
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if type(item) is dict or isinstance(item, dict):
            for key, value in item.items():
                kind = type(value)  # exact types first: this runs for every value sent
                if kind is str:
                    if key == "text":
                        chars += len(value)
                    elif key in _MEDIA_KEYS:
                        media += 1
                elif key in _MEDIA_KEYS:
                    media += 1
                elif kind is dict or kind is list:
                    push(value)
                elif kind not in _SCALARS:  # subclasses
                    if key == "text" and isinstance(value, str):
                        chars += len(value)
                    elif isinstance(value, (dict, list)):
                        push(value)
        else:
            for value in item:
                kind = type(value)
                if kind is dict or kind is list or isinstance(value, (dict, list)):
                    push(value)
    return -(-chars // _CHARS_PER_TOKEN) + MEDIA_TOKENS * media


_MEDIA_KEYS = frozenset(("inlineData", "fileData", "inline_data", "file_data"))
_SCALARS = frozenset((str, int, float, bool, type(None)))


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
