"""Quota-aware pacing: :class:`RateLimiter` books each call a slot within the model's limits and
waits exactly until it; 429s naming a quota lower the limits, per-day ones stop the model."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import anyio
import attrs

from ._core.errors import APIError, RateLimitError
from ._core.plugins import Plugin, Request, Response, StreamEnd
from ._core.rate_limit import (
    DAY,
    Entry,
    Learner,
    QuotaHit,
    RateLimit,
    Window,
    book,
    estimate_tokens,
    model_key,
    seconds_until_quota_day_ends,
)

__all__ = [
    "MemoryStore",
    "Permit",
    "QuotaExhaustedError",
    "RateLimit",
    "RateLimiter",
    "RateLimiterStats",
    "Store",
]

#: ``(period, span, requests, tokens)``: a window (named by its limit's period), its length in
#: seconds (the period plus a safety margin) and its limits (``None``: none).
Spec = tuple[float, float, int | None, int | None]


class Store(Protocol):
    """Where booked calls are kept: :class:`MemoryStore` (one process) or
    :class:`~genlang_async.RedisStore` (shared). Every method is atomic."""

    async def book(self, key: str, specs: Sequence[Spec], cost: int) -> tuple[float, Any]:
        """Book the earliest slot for one call of ``key`` fitting every window of ``specs``;
        returns (seconds to wait, handle)."""

    async def adjust(self, handle: Any, cost: int) -> None:
        """Replace a booked call's token estimate by its actual cost."""

    async def cancel(self, handle: Any) -> None:
        """Give back a slot whose call was never sent."""

    async def postpone(self, key: str, specs: Sequence[Spec], seconds: float) -> None:
        """Move every slot of ``key`` not reached yet ``seconds`` later."""

    async def remaining(self, handle: Any) -> float:
        """Seconds until a booked slot (it moves when postponed)."""

    async def observed(self, key: str, spec: Spec) -> int:
        """Calls of ``key`` in the window of ``spec`` (booked ones still waiting too)."""


class _Model:
    __slots__ = ("last", "limits", "specs", "windows")

    def __init__(self) -> None:
        self.windows: dict[float, Window] = {}
        self.last = float("-inf")
        self.specs: Sequence[Spec] = ()
        #: ``(window, requests, tokens)`` for ``specs``.
        self.limits: list[tuple[Window, int | None, int | None]] = []

    def resolve(self, specs: Sequence[Spec]) -> list[tuple[Window, int | None, int | None]]:
        if specs is not self.specs:
            self.specs, self.limits = specs, []
            for period, span, requests, tokens in specs:
                window = self.windows.get(period)
                if window is None:
                    window = self.windows[period] = Window(span)
                window.span = span
                self.limits.append((window, requests, tokens))
        return self.limits


class MemoryStore:
    """The default store: this process's calls only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._models: dict[str, _Model] = {}

    def book_now(self, key: str, specs: Sequence[Spec], cost: int) -> tuple[float, Any]:
        """:meth:`book` without the coroutine (the limiter's fast path)."""
        now = self._clock()
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = _Model()
        at, entries = book(model.resolve(specs), now, model.last, cost)
        model.last = at
        return at - now, (model, entries)

    async def book(self, key: str, specs: Sequence[Spec], cost: int) -> tuple[float, Any]:
        return self.book_now(key, specs, cost)

    def adjust_now(self, handle: Any, cost: int) -> None:
        """:meth:`adjust` without the coroutine."""
        entries: list[tuple[Window, Entry]] = handle[1]
        for window, entry in entries:
            window.adjust(entry, cost)

    async def adjust(self, handle: Any, cost: int) -> None:
        self.adjust_now(handle, cost)

    async def cancel(self, handle: Any) -> None:
        model: _Model = handle[0]
        entries: list[tuple[Window, Entry]] = handle[1]
        for window, entry in entries:
            window.remove(entry)
        latest = [w.entries[-1].at for w in model.windows.values() if w.entries]
        model.last = max(latest, default=float("-inf"))

    async def postpone(self, key: str, specs: Sequence[Spec], seconds: float) -> None:
        model = self._models.get(key)
        if model is None:
            return
        now = self._clock()
        for window in model.windows.values():
            window.postpone(now, seconds)
        if model.last > now:
            model.last += seconds

    async def remaining(self, handle: Any) -> float:
        entries: list[tuple[Window, Entry]] = handle[1]
        return entries[0][1].at - self._clock()

    async def observed(self, key: str, spec: Spec) -> int:
        model = self._models.get(key)
        window = model.windows.get(spec[0]) if model is not None else None
        return 0 if window is None else window.count(self._clock() - spec[1])


class QuotaExhaustedError(RateLimitError):
    """A model's per-day quota is used up: its calls fail at once (nothing is sent) until the
    quota resets at midnight US Pacific time, or :meth:`RateLimiter.reset` is called.

    Attributes: ``model`` (the model key), ``quota_id`` (the server's quota id) and
    ``resets_at`` (Unix time of the reset).
    """

    def __init__(
        self, message: str, *, model: str, quota_id: str, resets_at: float, cause: APIError
    ) -> None:
        super().__init__(
            message,
            status_code=cause.status_code,
            status=cause.status,
            details=cause.details,
            body=cause.body,
            headers=cause.headers,
            retry_after=resets_at - time.time(),
        )
        self.model = model
        self.quota_id = quota_id
        self.resets_at = resets_at


@attrs.frozen
class RateLimiterStats:
    """A snapshot of a limiter's activity.

    ``waits``: calls that had to wait; ``waited_s``: seconds waited in all; ``rate_limited``:
    429s seen; ``limits``: the limits in force per model (learned ones included; ``"*"`` for
    the default); ``exhausted``: models stopped by a per-day quota, with the Unix time their
    quota resets.
    """

    waits: int
    waited_s: float
    rate_limited: int
    limits: Mapping[str, tuple[RateLimit, ...]]
    exhausted: Mapping[str, float]

    def summary(self) -> str:
        """One line for a progress display: how pacing slowed calls down ("" if it did
        not), e.g. ``"paced: 12 calls waited 3.4 s for capacity; 2 rate-limited (429)"``."""
        parts = []
        if self.waits:
            parts.append(f"{self.waits} calls waited {self.waited_s:.1f} s for capacity")
        if self.rate_limited:
            parts.append(f"{self.rate_limited} rate-limited (429)")
        if self.exhausted:
            parts.append("daily quota used up: " + ", ".join(sorted(self.exhausted)))
        return "paced: " + "; ".join(parts) if parts else ""


@attrs.define
class Permit:
    """One call's booked slot, handed back to the limiter with the call's outcome."""

    model: str
    handle: Any
    generation: int
    cost: int


def _normalize(
    limits: Mapping[str, RateLimit | Sequence[RateLimit]] | None,
) -> dict[str, tuple[RateLimit, ...]]:
    out: dict[str, tuple[RateLimit, ...]] = {}
    for model, value in (limits or {}).items():
        if not isinstance(model, str) or not model:
            raise TypeError(f"limits keys must be model names or '*', got {model!r}")
        group = (value,) if isinstance(value, RateLimit) else tuple(value)
        if not group or not all(isinstance(v, RateLimit) for v in group):
            raise TypeError(
                f"limits[{model!r}] must be a RateLimit or a sequence of them, got {value!r}"
            )
        periods = [v.period for v in group]
        if len(set(periods)) != len(periods):
            raise ValueError(f"limits[{model!r}] has two limits with the same period")
        out[model_key(model)] = group
    return out


class RateLimiter:
    """Paces calls so that each model stays within its limits, learning from 429s.

    Args:
        limits: model name (``"gemini-2.5-flash"`` or ``"models/..."``), or ``"*"`` for every
            other model, to a :class:`RateLimit` or a list of them (per minute and per day,
            say). Each model has its own budget, as the API's per-model quotas do.
        adaptive: learn from 429s whose ``QuotaFailure`` names a per-minute quota: lower that
            model's limit at once (or set one where none was configured) and grow it back
            slowly while calls succeed.
        store: where bookings live; default a :class:`MemoryStore` (this process). A
            :class:`~genlang_async.RedisStore` shares one budget between processes.
        quota_periods: the length of the server's ``"minute"`` and ``"day"`` quota windows
            (seconds; default 60 and 86400). Only tests against an emulator with shortened
            quota periods change them.

    A per-day quota error (any limiter, adaptive or not) stops that model's calls with
    :class:`QuotaExhaustedError` until the quota resets.
    """

    def __init__(
        self,
        limits: Mapping[str, RateLimit | Sequence[RateLimit]] | None = None,
        *,
        adaptive: bool = True,
        store: Store | None = None,
        quota_periods: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        periods = {"minute": 60.0, "day": DAY, **(quota_periods or {})}
        if set(periods) != {"minute", "day"} or not all(
            isinstance(v, (int, float)) and v > 0 for v in periods.values()
        ):
            raise ValueError(
                f"quota_periods takes 'minute' and 'day' in seconds > 0, got {quota_periods!r}"
            )
        self._learner = Learner(_normalize(limits), periods)
        self._adaptive = bool(adaptive)
        self._clock = clock
        self._store: Store = store if store is not None else MemoryStore(clock)
        self._memory = self._store if isinstance(self._store, MemoryStore) else None
        self._track = periods["minute"]
        self._specs: dict[str, list[Spec]] = {}
        self._specs_version = 0
        self._seen: set[str] = set()
        self._exhausted: dict[str, tuple[float, QuotaExhaustedError]] = {}
        self._waits = 0
        self._waited = 0.0
        self._rate_limited = 0

    def __repr__(self) -> str:
        return (
            f"RateLimiter(limits={self._learner.configured!r}, adaptive={self._adaptive}, "
            f"store={type(self._store).__name__})"
        )

    @property
    def store(self) -> Store:
        return self._store

    def _specs_for(self, model: str) -> list[Spec]:
        if self._learner.version != self._specs_version:
            self._specs.clear()
            self._specs_version = self._learner.version
        cached = self._specs.get(model)
        if cached is not None:
            return cached
        limits = self._learner.limits(model)
        self._seen.add(model)
        span = self._learner.span
        specs: list[Spec] = [
            (lim.period, span(model, lim.period), lim.requests, lim.tokens) for lim in limits
        ]
        if self._adaptive and not any(lim.period == self._track for lim in limits):
            specs.append((self._track, span(model, self._track), None, None))
        self._specs[model] = specs
        return specs

    async def acquire(self, model: str, cost: int = 0) -> Permit | None:
        """Wait until one call of ``model`` costing ``cost`` input tokens fits its limits.

        Returns the permit to pass to :meth:`succeeded` / :meth:`failed`, or ``None`` when
        nothing limits ``model``. Raises :class:`QuotaExhaustedError` when its per-day quota
        is used up.
        """
        key = model[7:] if model.startswith("models/") else model
        if self._exhausted:
            self._check_exhausted(key)
        specs = self._specs_for(key)
        if not specs:
            return None
        if self._memory is not None:
            delay, handle = self._memory.book_now(key, specs, cost)
        else:
            delay, handle = await self._store.book(key, specs, cost)
        generation = self._learner.generation(key)
        if delay > 0:
            self._waits += 1
            self._waited += delay
            lowered = self._learner.lowered(key)
            try:
                await anyio.sleep(delay)
                if self._learner.lowered(key) != lowered:
                    # A limit was lowered while this call waited: book again under it.
                    await self._store.cancel(handle)
                    return await self.acquire(model, cost)
                while self._learner.generation(key) != generation:
                    # The window's margin grew while this call waited: its slot moved.
                    generation = self._learner.generation(key)
                    delay = await self._store.remaining(handle)
                    if delay > 0:
                        self._waited += delay
                        await anyio.sleep(delay)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await self._store.cancel(handle)
                raise
        return Permit(key, handle, generation, cost)

    def _check_exhausted(self, key: str) -> None:
        found = self._exhausted.get(key)
        if found is None:
            return
        until, error = found
        if self._clock() >= until:
            del self._exhausted[key]
            return
        raise QuotaExhaustedError(
            error.message,
            model=key,
            quota_id=error.quota_id,
            resets_at=error.resets_at,
            cause=error,
        )

    async def succeeded(self, permit: Permit | None, input_tokens: int | None = None) -> None:
        """The call was answered; ``input_tokens`` (``usageMetadata.promptTokenCount``)
        corrects the booking's estimate."""
        if permit is None:
            return
        if input_tokens is not None and input_tokens != permit.cost:
            if self._memory is not None:
                self._memory.adjust_now(permit.handle, input_tokens)
            else:
                await self._store.adjust(permit.handle, input_tokens)
            permit.cost = input_tokens
        if self._adaptive and self._learner.learned:
            self._learner.grow(permit.model, self._clock())

    async def failed(self, permit: Permit | None, error: BaseException) -> BaseException:
        """The call failed with ``error``; returns the exception to raise in its place
        (a :class:`QuotaExhaustedError` for a per-day quota, else ``error``)."""
        if permit is None or not isinstance(error, APIError) or error.status_code != 429:
            return error
        self._rate_limited += 1
        from ._core.error_details import QuotaFailure

        violations = [v for d in error.details if isinstance(d, QuotaFailure) for v in d.violations]
        hits = QuotaHit.parse(violations)
        for hit in hits:
            if hit.per == "day":
                return self._exhaust(permit.model, hit, error)
        if self._adaptive:
            for hit in hits:
                await self._learn(permit, hit, error.retry_after or 0.0)
        return error

    async def _learn(self, permit: Permit, hit: QuotaHit, early: float) -> None:
        model, learner = permit.model, self._learner
        period = learner.period_for(model, hit)
        lowered = learner.lowered(model)
        changed = learner.lower(
            model,
            hit,
            observed=await self._store.observed(
                model, (period, learner.span(model, period), None, None)
            ),
            generation=permit.generation,
            now=self._clock(),
            early=early,
        )
        if changed and learner.lowered(model) == lowered:
            # The margin grew: the server's window runs ahead of ours by ``early``.
            await self._store.postpone(model, self._specs_for(model), early)

    def _exhaust(self, model: str, hit: QuotaHit, cause: APIError) -> QuotaExhaustedError:
        wait = seconds_until_quota_day_ends(time.time())
        resets_at = time.time() + wait
        error = QuotaExhaustedError(
            f"per-day quota {hit.quota_id} of {model} is used up; its calls stop until it "
            f"resets at midnight US Pacific time ({wait / 3600:.1f} h from now)",
            model=model,
            quota_id=hit.quota_id,
            resets_at=resets_at,
            cause=cause,
        )
        self._exhausted[model] = (self._clock() + wait, error)
        return error

    def plugin(self) -> Plugin:
        """The pipeline plug-in that paces a client's model calls through this limiter
        (what ``Client(rate_limiter=...)`` installs)."""
        return Pacing(self)

    def reset(self, model: str | None = None) -> None:
        """Forget per-day exhaustion (of ``model``, or of every model)."""
        if model is None:
            self._exhausted.clear()
        else:
            self._exhausted.pop(model_key(model), None)

    def stats(self) -> RateLimiterStats:
        models = set(self._learner.configured) | self._seen
        limits = {m: tuple(self._learner.limits(m)) for m in sorted(models)}
        return RateLimiterStats(
            waits=self._waits,
            waited_s=self._waited,
            rate_limited=self._rate_limited,
            limits={m: v for m, v in limits.items() if v},
            exhausted={m: e.resets_at for m, (_, e) in self._exhausted.items()},
        )


#: The model methods that are paced: those the API's per-model quotas count. ``countTokens``
#: and batch-job creation have quotas of their own.
PACED_METHODS = frozenset(
    {
        "generateContent",
        "streamGenerateContent",
        "embedContent",
        "batchEmbedContents",
        "generateAnswer",
        "generateText",
        "generateMessage",
        "embedText",
        "batchEmbedText",
        "predict",
        "predictLongRunning",
    }
)
_KEY = "genlang_async.rate_limiter"


def _prompt_tokens(usage: Any) -> int | None:
    count = usage.get("promptTokenCount") if isinstance(usage, Mapping) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


class Pacing(Plugin):
    """Waits for capacity before each attempt of a paced model call, corrects the token
    estimate from the answer's usage, and hands 429s to the limiter (a per-day one is raised
    as :class:`QuotaExhaustedError` instead of being retried)."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def on_request(self, request: Request) -> None:
        if request.model is None or request.path.rpartition(":")[2] not in PACED_METHODS:
            return
        cost = estimate_tokens(request.json) if request.json is not None else 0
        request.state[_KEY] = await self.limiter.acquire(request.model, cost)

    async def on_response(self, request: Request, response: Response) -> None:
        if response.error is not None:
            permit = request.state.pop(_KEY, None)
            replaced = await self.limiter.failed(permit, response.error)
            if replaced is not response.error:
                raise replaced
        elif not request.stream:
            usage = response.body.get("usageMetadata") if isinstance(response.body, dict) else None
            await self.limiter.succeeded(request.state.pop(_KEY, None), _prompt_tokens(usage))

    async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
        await self.limiter.succeeded(request.state.pop(_KEY, None), _prompt_tokens(end.usage))
