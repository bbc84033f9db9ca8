"""Live sessions against the emulator: turns, audio, interruptions, tools, errors, closing."""

from __future__ import annotations

import math
import struct

import anyio
import pytest

from genlang_async import BadRequestError, Client, NotFoundError
from genlang_async.emulator import Emulator
from genlang_async.live import LiveSessionClosedError, LiveTurn

from .conftest import MODEL, wait_until


def pcm(seconds: float, loud: bool, rate: int = 16000) -> bytes:
    count = int(seconds * rate)
    level = 8000 if loud else 0
    return struct.pack(f"<{count}h", *(int(level * math.sin(i / 5)) for i in range(count)))


async def test_text_turn_streams_parts_then_completes(live_client: Client, emu: Emulator) -> None:
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("Hello there")
        pieces = [p async for p in session.text_stream()]
        await session.send_text("Second question")
        turn = await anext(aiter(session.turns()))
    assert len(pieces) == 3
    assert "".join(pieces).startswith('Emulated answer to "Hello there".')
    assert turn.text.startswith('Emulated answer to "Second question".')
    assert turn.usage_metadata is not None
    assert turn.usage_metadata.response_token_count
    assert not turn.interrupted
    sent = [e["kind"] for e in emu.state.live_log]
    assert sent == ["setup", "clientContent", "clientContent"]
    await wait_until(lambda: not emu.state.live_connections)


@pytest.mark.parametrize("binary", [True, False])
async def test_text_and_binary_frames_both_decode(
    live_client: Client, emu: Emulator, binary: bool
) -> None:
    emu.settings.live_binary_frames = binary
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("frames")
        text = "".join([p async for p in session.text_stream()])
    assert text.startswith('Emulated answer to "frames".')


async def test_audio_in_and_out_with_transcriptions(live_client: Client, emu: Emulator) -> None:
    config = {"inputAudioTranscription": {}, "outputAudioTranscription": {}}
    async with live_client.live.connect(MODEL, config=config) as session:
        for _ in range(5):  # 0.5 s of speech, then 0.6 s of silence ends the user's turn
            await session.send_realtime_input(audio=pcm(0.1, loud=True))
        for _ in range(6):
            await session.send_realtime_input(audio=pcm(0.1, loud=False))
        turn: LiveTurn = await anext(aiter(session.turns()))
    assert turn.input_transcription == "Emulated transcription of 0.50 seconds of audio."
    assert turn.audio_mime_type == "audio/pcm;rate=24000"
    assert len(turn.audio) > 1000
    assert len(turn.audio) % 2 == 0
    assert turn.output_transcription.startswith('Emulated answer to "Emulated transcription')
    assert turn.text == ""


async def test_audio_stream_end_ends_the_turn(live_client: Client, emu: Emulator) -> None:
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_realtime_input(audio=pcm(0.25, loud=True))
        await session.send_audio_stream_end()
        text = "".join([p async for p in session.text_stream()])
    assert text.startswith('Emulated answer to "Emulated transcription of 0.25 seconds')
    kinds = [e["body"] for e in emu.state.live_log if e["kind"] == "realtimeInput"]
    assert kinds[0]["audio"]["mimeType"] == "audio/pcm;rate=16000"
    assert kinds[1] == {"audioStreamEnd": True}


async def test_new_input_interrupts_the_answer(live_client: Client, emu: Emulator) -> None:
    emu.settings.stream_chunks = 8
    emu.settings.stream_chunk_delay = 0.05
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        await session.send_text("A long story please")
        turns = aiter(session.turns())
        async for event in session:  # wait for the first part of the answer
            if event.server_content is not None and event.server_content.model_turn:
                break
        await session.send_realtime_input(text="Stop, something else")
        cut = await anext(turns)
        after = await anext(turns)
    assert cut.interrupted
    assert after.text.startswith('Emulated answer to "Stop, something else".')
    assert not after.interrupted


async def test_tool_call_answered_by_hand(live_client: Client, emu: Emulator) -> None:
    tools = [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
                }
            ]
        }
    ]
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"], tools=tools) as s:
        await s.send_text("Use get_weather for Paris")
        async for event in s:
            if event.tool_call is not None:
                call = event.tool_call.function_calls[0]
                break
        assert call.name == "get_weather"
        assert call.id
        await s.send_tool_response({"id": call.id, "name": call.name, "response": {"t": 21}})
        text = "".join([p async for p in s.text_stream()])
    assert text == 'Emulated answer using get_weather: {"t": 21}'


async def test_sends_from_many_tasks_each_arrive_once(live_client: Client, emu: Emulator) -> None:
    async with (
        live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session,
        anyio.create_task_group() as tg,
    ):
        for i in range(20):
            tg.start_soon(lambda i=i: session.send_text(f"note {i}", turn_complete=False))
    texts = [
        e["body"]["turns"][0]["parts"][0]["text"]
        for e in emu.state.live_log
        if e["kind"] == "clientContent"
    ]
    assert sorted(texts) == sorted(f"note {i}" for i in range(20))


async def test_bad_setup_raises_typed_errors(live_client: Client) -> None:
    with pytest.raises(NotFoundError) as not_found:
        async with live_client.live.connect("gemini-2.5-flash"):
            pass
    assert not_found.value.close_code == 1008  # type: ignore[attr-defined]
    assert "bidiGenerateContent" in not_found.value.message
    with pytest.raises(BadRequestError) as bad:
        async with live_client.live.connect(MODEL, response_modalities=["TEXT", "AUDIO"]):
            pass
    assert bad.value.close_code == 1007  # type: ignore[attr-defined]


async def test_bad_arguments_fail_before_connecting(live_client: Client, emu: Emulator) -> None:
    with pytest.raises(TypeError, match="response_modalities"):
        live_client.live.connect(MODEL, response_modalities="TEXT")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_send_wait"):
        live_client.live.connect(MODEL, max_send_wait=0)
    async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
        with pytest.raises(ValueError, match="exactly one"):
            await session.send_realtime_input(audio=b"\0\0", text="both")
        with pytest.raises(ValueError, match="id of the function call"):
            await session.send_tool_response({"name": "f", "response": {}})
    with pytest.raises(LiveSessionClosedError):
        await session.send_text("after the block")
    assert [e["kind"] for e in emu.state.live_log] == ["setup"]


async def test_wrong_key_is_refused(emu: Emulator) -> None:
    emu.settings.api_keys = frozenset({"right-key"})
    async with Client(api_key="wrong-key", base_url=emu.url) as client:
        with pytest.raises(BadRequestError, match="API key not valid"):
            async with client.live.connect(MODEL):
                pass
    async with (
        Client(api_key="right-key", base_url=emu.url) as client,
        client.live.connect(MODEL),
    ):
        pass


async def test_cancelling_the_reader_closes_the_websocket_at_once(
    live_client: Client, emu: Emulator
) -> None:
    emu.settings.stream_chunk_delay = 0.2

    async def chat() -> None:
        async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
            await session.send_text("long")
            async for _ in session:
                pass

    with anyio.move_on_after(0.3):
        await chat()
    await wait_until(lambda: not emu.state.live_connections, 2)


async def test_200_concurrent_sessions_leave_no_connection(
    live_client: Client, emu: Emulator
) -> None:
    opened = 0

    async def one(i: int) -> None:
        nonlocal opened
        async with live_client.live.connect(MODEL, response_modalities=["TEXT"]) as session:
            opened += 1
            await session.send_text(f"hi {i}", turn_complete=False)

    async with anyio.create_task_group() as tg:
        for i in range(200):
            tg.start_soon(one, i)
    assert opened == 200
    await wait_until(lambda: not emu.state.live_connections)
    assert live_client.connections_in_use == 0
