"""Python callables as Live tools: run automatically, cancelled with the server's call."""

from __future__ import annotations

import anyio

from genlang_async import Client
from genlang_async.emulator import Emulator

from .conftest import MODEL, wait_until


async def test_a_callable_tool_is_run_and_the_model_answers(
    live_client: Client, emu: Emulator
) -> None:
    cities: list[str] = []

    async def get_weather(city: str) -> dict[str, int]:
        """The temperature in a city."""
        cities.append(city)
        return {"t": 21}

    async with live_client.live.connect(
        MODEL, response_modalities=["TEXT"], tools=[get_weather]
    ) as session:
        await session.send_text("Use get_weather for Paris")
        seen = []
        async for event in session:
            if event.tool_call is not None:
                seen.append(event.tool_call.function_calls[0].name)
            if event.server_content is not None and event.server_content.turn_complete:
                break
            if event.text:
                seen.append(event.text)
    [answer] = [e["body"] for e in emu.state.live_log if e["kind"] == "toolResponse"]
    [response] = answer["functionResponses"]
    assert response["id"]
    assert response["name"] == "get_weather"
    assert seen[0] == "get_weather"
    assert len(cities) == 1
    assert "".join(seen[1:]) == 'Emulated answer using get_weather: {"t": 21}'


async def test_a_tool_the_server_cancels_is_cancelled_and_unanswered(
    live_client: Client, emu: Emulator
) -> None:
    started = anyio.Event()
    outcome: list[str] = []

    async def lookup(thing: str) -> str:
        started.set()
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            outcome.append("cancelled")
            raise
        outcome.append("returned")
        return "found"

    async with live_client.live.connect(
        MODEL, response_modalities=["TEXT"], tools=[lookup]
    ) as session:
        await session.send_text("please lookup the thing")
        with anyio.fail_after(5):
            await started.wait()
        await session.send_text("never mind")
        kinds = []
        async for event in session:
            if event.tool_call_cancellation is not None:
                kinds.append("cancelled")
            elif event.server_content is not None and event.server_content.turn_complete:
                break
        await wait_until(lambda: outcome)  # while the session is still open
        assert outcome == ["cancelled"]
        assert session._tools is not None
        assert not session._tools._running
    assert kinds == ["cancelled"]
    assert not [e for e in emu.state.live_log if e["kind"] == "toolResponse"]
