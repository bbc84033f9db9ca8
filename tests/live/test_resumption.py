"""Sessions that outlive their connections: goAway, dropped connections, stale handles."""

from __future__ import annotations

import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator
from genlang_async.live import LiveResumptionError, Resumed

from .conftest import MODEL, wait_until


def client_texts(emu: Emulator) -> list[str]:
    return [
        e["body"]["turns"][0]["parts"][0]["text"]
        for e in emu.state.live_log
        if e["kind"] == "clientContent"
    ]


async def test_go_away_mid_answer_loses_and_repeats_nothing(
    live_client: Client, emu: Emulator
) -> None:
    emu.settings.stream_chunks = 6
    emu.settings.stream_chunk_delay = 0.03
    emu.faults.live_go_away(after_s=0.08, time_left_s=5)
    events = []
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("first question")
        async for event in session:
            events.append(event)
            if isinstance(event, Resumed):
                break
            if event.go_away is not None:
                await session.send_text("second question")  # held, then sent once
        second = await anext(aiter(session.turns()))
        handle = session.handle
    go_aways = [e for e in events if not isinstance(e, Resumed) and e.go_away is not None]
    assert len(go_aways) == 1
    assert go_aways[0].go_away.time_left.total_seconds() == 5
    resumed = [e for e in events if isinstance(e, Resumed)]
    assert resumed == [Resumed("go_away", resumed[0].handle, 0)]
    first = "".join(
        p.text
        for e in events
        if not isinstance(e, Resumed) and e.server_content and e.server_content.model_turn
        for p in e.server_content.model_turn.parts or ()
    )
    assert first.startswith('Emulated answer to "first question".')
    assert second.text.startswith('Emulated answer to "second question".')
    assert not second.interrupted
    assert client_texts(emu) == ["first question", "second question"]
    setups = [e for e in emu.state.live_log if e["kind"] == "setup"]
    assert [bool(s["body"]["sessionResumption"].get("handle")) for s in setups] == [False, True]
    assert handle is not None
    await wait_until(lambda: not emu.state.live_connections)


async def test_dropped_connection_resumes_and_replays_the_unanswered_message(
    live_client: Client, emu: Emulator
) -> None:
    emu.faults.drop_live(after_messages=2)  # the handle update, then one part of the answer
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("tell me")
        turn = await anext(aiter(session.turns()))
    assert session.resumptions == 1
    assert turn.text.startswith('Emulated answer to "tell me".')
    assert not turn.interrupted
    assert client_texts(emu) == ["tell me", "tell me"]  # once per connection: sent, replayed


async def test_dropped_connection_yields_resumed_event(live_client: Client, emu: Emulator) -> None:
    emu.faults.drop_live(after_messages=1)
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        event = await anext(aiter(session))  # the first handle update
        assert event.session_resumption_update is not None
        resumed = await anext(aiter(session))
        await session.send_text("after the drop")
        text = "".join([p async for p in session.text_stream()])
    assert resumed == Resumed("connection_lost", resumed.handle, 0)
    assert text.startswith('Emulated answer to "after the drop".')


async def test_expired_handle_is_a_typed_error(live_client: Client, emu: Emulator) -> None:
    emu.settings.live_handle_ttl = 0
    emu.faults.drop_live(after_messages=1)
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        with pytest.raises(LiveResumptionError) as info:
            async for _ in session:
                pass
        assert info.value.reason == "rejected"
        assert info.value.handle
        assert "invalid or has expired" in str(info.value)
        with pytest.raises(LiveResumptionError):
            await session.send_text("too late")


async def test_handle_from_an_earlier_session_resumes_it(
    live_client: Client, emu: Emulator
) -> None:
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("remember me")
        await anext(aiter(session.turns()))
        saved = emu.state.live_handles
        await wait_until(lambda: saved.get(session.handle or "", {}).get("history"))
        handle = session.handle
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"], handle=handle) as s:
        await s.send_text("and now?")
        await anext(aiter(s.turns()))
    setups = [e["body"] for e in emu.state.live_log if e["kind"] == "setup"]
    assert setups[1]["sessionResumption"] == {"handle": handle}
    assert emu.state.live_handles[handle]["history"][0]["parts"][0]["text"] == "remember me"


async def test_without_resumption_a_drop_ends_the_session(
    live_client: Client, emu: Emulator
) -> None:
    emu.faults.drop_live(after_messages=1)
    async with live_client.live.connect(MODEL, resumption=False) as session:
        await session.send_text("hi")
        with pytest.raises(LiveResumptionError) as info:
            async for _ in session:
                pass
    assert info.value.reason == "no_handle"
    assert "setup" in [e["kind"] for e in emu.state.live_log]
    assert "sessionResumption" not in emu.state.live_log[0]["body"]


async def test_a_stale_handle_at_connect_is_a_typed_error(live_client: Client) -> None:
    with pytest.raises(LiveResumptionError) as info:
        async with live_client.live.connect(MODEL, handle="never-issued"):
            pass  # pragma: no cover
    assert info.value.reason == "rejected"
    assert info.value.handle == "never-issued"
    assert info.value.__cause__.close_code == 1008  # type: ignore[union-attr]
