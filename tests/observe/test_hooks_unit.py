"""``Hooks``: accepted shapes, dispatch order, sync and async callbacks."""

from __future__ import annotations

from typing import Any

import pytest

from genlang_async._observe.calls import call_info
from genlang_async._observe.hooks import Hooks, RequestEvent, RetryEvent, emit

CALL = call_info("POST", "/v1beta/models/m:generateContent")


def test_one_callable_or_a_list() -> None:
    def one(event: Any) -> None: ...

    async def two(event: Any) -> None: ...

    hooks = Hooks(on_request=one, on_retry=[one, two])
    assert hooks.on_request == (one,)
    assert hooks.on_retry == (one, two)
    assert hooks.on_response == ()
    assert hooks
    assert not Hooks()


@pytest.mark.parametrize("bad", ["print", 3, [print, "x"], {"a": print}])
def test_rejects_what_is_not_callable(bad: Any) -> None:
    with pytest.raises(TypeError, match="a hook must be a callable"):
        Hooks(on_response=bad)


async def test_emit_runs_sync_and_async_in_order() -> None:
    seen: list[str] = []

    def first(event: RequestEvent) -> None:
        seen.append(f"sync {event.attempt}")

    async def second(event: RequestEvent) -> None:
        seen.append(f"async {event.attempt} {event.method} {event.model}")

    await emit(Hooks(on_request=[first, second]).on_request, RequestEvent(call=CALL, attempt=2))
    assert seen == ["sync 2", "async 2 POST m"]


async def test_a_failing_callback_propagates() -> None:
    def boom(event: Any) -> None:
        raise RuntimeError("hook failed")

    event = RetryEvent(
        call=CALL, attempt=1, delay=0.5, reason="429", status=429, error=RuntimeError("x")
    )
    with pytest.raises(RuntimeError, match="hook failed"):
        await emit((boom,), event)
