"""``RedisStore``: one pacing budget shared by many processes, kept in Redis.

Each booking is one atomic Lua script on the server, using the server's clock (so machines
need not agree on the time); it is ``Window.earliest`` of ``_core.rate_limit`` in Lua. The
layout per model and window: a sorted set of booked calls (member ``"<id>:<tokens>"``,
score = booked time) and a running token sum; keys carry a hash tag so one model's keys live
in one Redis Cluster slot. Needs the ``redis`` extra
(``pip install genlang_async[redis]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ._core.rate_limit import BURST, DAY
from ._rate_limiter import Spec

__all__ = ["RedisStore"]

# KEYS: last, seq, then (zset, sum) per window. ARGV: cost, then (span, requests, tokens) per
# window with -1 for "no limit". Returns {delay, member}.
_BOOK = f"""
local BURST, DAY = {BURST!r}, {DAY!r}
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cost = tonumber(ARGV[1])
local at = now
local last = tonumber(redis.call('GET', KEYS[1]))
if last and last > at then at = last end
local n = (#KEYS - 2) / 2
local function tokens_of(member) return tonumber(string.match(member, ':(%d+)$')) end
for i = 1, n do
  local z, s = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  local span = tonumber(ARGV[3 * i - 1])
  local requests = tonumber(ARGV[3 * i])
  local tokens = tonumber(ARGV[3 * i + 1])
  local cutoff = string.format('%.6f', now - span)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', cutoff)
  if #gone > 0 then
    local freed = 0
    for _, member in ipairs(gone) do freed = freed + tokens_of(member) end
    redis.call('ZREMRANGEBYSCORE', z, '-inf', cutoff)
    redis.call('DECRBY', s, freed)
  end
  local count = redis.call('ZCARD', z)
  local share = 0
  if requests >= 0 then
    if count >= requests then
      local pin = redis.call('ZRANGE', z, count - requests, count - requests, 'WITHSCORES')
      at = math.max(at, tonumber(pin[2]) + span)
    end
    if count >= requests * BURST then share = span / requests end
  end
  if tokens >= 0 then
    local used = tonumber(redis.call('GET', s) or '0')
    local must = used + math.min(cost, tokens) - tokens
    if used + cost > tokens * BURST then
      share = math.max(share, span * math.min(cost, tokens) / tokens)
    end
    local start = 0
    while must > 0 do
      local batch = redis.call('ZRANGE', z, start, start + 63, 'WITHSCORES')
      if #batch == 0 then break end
      for j = 1, #batch, 2 do
        must = must - tokens_of(batch[j])
        if must <= 0 then
          at = math.max(at, tonumber(batch[j + 1]) + span)
          break
        end
      end
      start = start + 64
    end
  end
  if share > 0 and count > 0 and span < DAY then
    local latest = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
    at = math.max(at, tonumber(latest[2]) + share)
  end
end
local member = redis.call('INCR', KEYS[2]) .. ':' .. cost
local score = string.format('%.6f', at)
local longest = 0
for i = 1, n do
  local z, s = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  local ttl = math.ceil((at - now + tonumber(ARGV[3 * i - 1])) * 1000) + 1000
  longest = math.max(longest, ttl)
  redis.call('ZADD', z, score, member)
  redis.call('INCRBY', s, cost)
  redis.call('PEXPIRE', z, ttl)
  redis.call('PEXPIRE', s, ttl)
end
redis.call('SET', KEYS[1], score, 'PX', longest)
redis.call('PEXPIRE', KEYS[2], longest)
return {{string.format('%.6f', at - now), member}}
"""

# KEYS: (zset, sum) per window. ARGV: member, new cost. Returns the new member.
_ADJUST = """
local id, old = string.match(ARGV[1], '^(%d+):(%d+)$')
local member = id .. ':' .. ARGV[2]
for i = 1, #KEYS / 2 do
  local z, s = KEYS[2 * i - 1], KEYS[2 * i]
  local score = redis.call('ZSCORE', z, ARGV[1])
  if score then
    redis.call('ZREM', z, ARGV[1])
    redis.call('ZADD', z, score, member)
    redis.call('INCRBY', s, tonumber(ARGV[2]) - tonumber(old))
  end
end
return member
"""

# KEYS: last, then (zset, sum) per window. ARGV: member. The model's last booked time
# becomes that of the latest booking left.
_CANCEL = """
local cost = tonumber(string.match(ARGV[1], ':(%d+)$'))
local last = nil
for i = 1, (#KEYS - 1) / 2 do
  local z = KEYS[2 * i]
  if redis.call('ZREM', z, ARGV[1]) == 1 then
    redis.call('DECRBY', KEYS[2 * i + 1], cost)
  end
  local latest = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #latest > 0 and (last == nil or tonumber(latest[2]) > last) then
    last = tonumber(latest[2])
  end
end
if last == nil then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.6f', last), 'KEEPTTL')
end
return 0
"""

# KEYS: last, then zsets. ARGV: seconds. Slots not reached yet move that much later.
_POSTPONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local seconds = tonumber(ARGV[1])
for i = 2, #KEYS do
  local future = redis.call('ZRANGEBYSCORE', KEYS[i], '(' .. string.format('%.6f', now), '+inf',
    'WITHSCORES')
  for j = 1, #future, 2 do
    redis.call('ZADD', KEYS[i], string.format('%.6f', tonumber(future[j + 1]) + seconds),
      future[j])
  end
end
local last = tonumber(redis.call('GET', KEYS[1]))
if last and last > now then
  redis.call('SET', KEYS[1], string.format('%.6f', last + seconds), 'KEEPTTL')
end
return 0
"""

# KEYS: a zset of the booking. ARGV: member. Seconds until its slot.
_REMAINING = """
local t = redis.call('TIME')
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return '0' end
return string.format('%.6f', tonumber(score) - tonumber(t[1]) - tonumber(t[2]) / 1000000)
"""

# KEYS: zset. ARGV: span. Calls booked within the last span seconds (server clock).
_OBSERVED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%.6f', now - tonumber(ARGV[1])), '+inf')
"""

_PASSWORD = re.compile(r"(//[^:/@]*:)[^@/]*@")


def _or_none(limit: int | None) -> int:
    return -1 if limit is None else limit


class RedisStore:
    """Bookings kept in Redis, so every process using the same ``url`` and ``prefix`` shares
    one budget per model (e.g. four workers under one API key's quota).

    Args:
        url: a redis-py URL (``redis://host:6379/0``, ``rediss://...``, ``unix://...``).
        prefix: key prefix; use one per API key (quotas are per key).
        client: an existing ``redis.asyncio.Redis`` to use instead of ``url`` (not closed by
            :meth:`aclose`).

    The connection opens on first use; :meth:`aclose` closes it.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        prefix: str = "genlang:rl:",
        client: Any = None,
    ) -> None:
        if not isinstance(url, str) or not url:
            raise ValueError(f"url must be a Redis URL, got {url!r}")
        self.url = url
        self.prefix = prefix
        self._client = client
        self._owned = client is None
        self._scripts: dict[str, Any] = {}

    def __repr__(self) -> str:
        url = _PASSWORD.sub(r"\1***@", self.url)
        return f"RedisStore({url!r}, prefix={self.prefix!r})"

    def _script(self, name: str, text: str) -> Any:
        script = self._scripts.get(name)
        if script is None:
            if self._client is None:
                try:
                    import redis.asyncio as redis
                except ImportError as exc:  # pragma: no cover - depends on the environment
                    raise ImportError(
                        "RedisStore needs redis-py: pip install 'genlang_async[redis]'"
                    ) from exc
                self._client = redis.Redis.from_url(self.url)
            script = self._scripts[name] = self._client.register_script(text)
        return script

    def _keys(self, key: str, specs: Sequence[Spec]) -> list[str]:
        base = f"{self.prefix}{{{key}}}:"
        keys = []
        for period, _, _, _ in specs:
            keys += [f"{base}{period!r}", f"{base}{period!r}:tokens"]
        return keys

    async def book(self, key: str, specs: Sequence[Spec], cost: int) -> tuple[float, Any]:
        windows = self._keys(key, specs)
        base = f"{self.prefix}{{{key}}}:"
        args: list[Any] = [int(cost)]
        for _, span, requests, tokens in specs:
            args += [repr(span), _or_none(requests), _or_none(tokens)]
        delay, member = await self._script("book", _BOOK)(
            keys=[base + "last", base + "seq", *windows], args=args
        )
        return float(delay), [base + "last", windows, member]

    async def adjust(self, handle: Any, cost: int) -> None:
        _, windows, member = handle
        handle[2] = await self._script("adjust", _ADJUST)(keys=windows, args=[member, int(cost)])

    async def cancel(self, handle: Any) -> None:
        last, windows, member = handle
        await self._script("cancel", _CANCEL)(keys=[last, *windows], args=[member])

    async def postpone(self, key: str, specs: Sequence[Spec], seconds: float) -> None:
        keys = [f"{self.prefix}{{{key}}}:last", *self._keys(key, specs)[::2]]
        await self._script("postpone", _POSTPONE)(keys=keys, args=[repr(seconds)])

    async def remaining(self, handle: Any) -> float:
        _, windows, member = handle
        return float(await self._script("remaining", _REMAINING)(keys=windows[:1], args=[member]))

    async def observed(self, key: str, spec: Spec) -> int:
        zset = self._keys(key, [spec])[0]
        return int(await self._script("observed", _OBSERVED)(keys=[zset], args=[repr(spec[1])]))

    async def aclose(self) -> None:
        """Close the connection pool this store opened (a given ``client`` stays open)."""
        client, self._client = self._client, None
        self._scripts.clear()
        if client is not None and self._owned:
            await client.aclose()
