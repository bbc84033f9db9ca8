"""``client.chats``: client-side history, updated only by turns that succeeded."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from genlang_async import APIConnectionError, APIError, BadRequestError, Client
from genlang_async import types as T
from genlang_async._chats import Chat
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]  # fixtures

MODEL = "gemini-2.5-flash"
GENERATE = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent"


def texts(history: list[T.Content]) -> list[tuple[str | None, str | None]]:
    return [(turn.role, turn.text) for turn in history]


async def test_create_sends_nothing_and_checks_its_arguments(
    client: Client, emulator: Emulator
) -> None:
    chat = client.chats.create("gemini-2.5-flash")
    assert isinstance(chat, Chat)
    assert chat.model == "models/gemini-2.5-flash"
    assert chat.history == []
    assert client.chats.create("tunedModels/t1").model == "tunedModels/t1"
    with pytest.raises(ValueError, match="model"):
        client.chats.create("files/x")
    with pytest.raises(TypeError, match="history"):
        client.chats.create(MODEL, history="hello")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="history"):
        client.chats.create(MODEL, history=["hello"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="generation_config"):
        client.chats.create(MODEL, generation_config=1)  # type: ignore[arg-type]
    assert emulator.request_log == []


async def test_send_message_keeps_the_history(client: Client, emulator: Emulator) -> None:
    chat = client.chats.create(MODEL)
    first = await chat.send_message("What is the capital of France?")
    assert isinstance(first, T.GenerateContentResponse)
    assert "What is the capital of France?" in first.text
    assert texts(chat.history) == [
        ("user", "What is the capital of France?"),
        ("model", first.text),
    ]

    second = await chat.send_message("And of Spain?")
    assert "And of Spain?" in second.text
    assert len(chat.history) == 4
    # the whole conversation was sent: the prompt counts every turn
    counted = await client.models.count_tokens(MODEL, contents=chat.history[:3])
    assert second.usage_metadata is not None
    assert second.usage_metadata.prompt_token_count == counted.total_tokens


@pytest.mark.parametrize(
    "message",
    [
        T.Part(text="part message"),
        ["part", T.Part(text="message")],
        T.Content(parts=[T.Part(text="content message")]),
        {"parts": [{"text": "dict message"}], "role": "user"},
    ],
)
async def test_message_forms(client: Client, message: Any) -> None:
    chat = client.chats.create(MODEL)
    await chat.send_message(message)
    user = chat.history[0]
    assert user.role == "user"
    assert "message" in str(user.text)


async def test_history_is_a_copy_and_can_be_given(client: Client) -> None:
    chat = client.chats.create(
        MODEL,
        history=[
            {"role": "user", "parts": [{"text": "Hi"}]},
            T.Content(role="model", parts=[T.Part(text="Hello!")]),
        ],
    )
    chat.history.append(T.Content(parts=[T.Part(text="not added")]))
    assert texts(chat.history) == [("user", "Hi"), ("model", "Hello!")]
    await chat.send_message("Again")
    assert len(chat.history) == 4


async def test_settings_and_per_call_overrides(client: Client) -> None:
    chat = client.chats.create(
        MODEL,
        system_instruction="You are a pirate who speaks in long sentences.",
        generation_config={"maxOutputTokens": 3},
    )
    r = await chat.send_message("Hello")
    assert r.candidates
    assert r.candidates[0].finish_reason == "MAX_TOKENS"
    assert r.usage_metadata is not None
    with_system = r.usage_metadata.prompt_token_count or 0

    other = client.chats.create(MODEL, system_instruction="You are a pirate.")
    r2 = await other.send_message("Hello", system_instruction=None, generation_config=None)
    assert r2.candidates
    assert r2.candidates[0].finish_reason == "STOP"
    assert r2.usage_metadata is not None
    assert (r2.usage_metadata.prompt_token_count or 0) < with_system
    # the chat's own settings are unchanged
    r3 = await other.send_message("Hello")
    assert r3.usage_metadata is not None
    assert (r3.usage_metadata.prompt_token_count or 0) > (r2.usage_metadata.prompt_token_count or 0)


async def test_failed_or_blocked_turns_are_not_recorded(client: Client, emulator: Emulator) -> None:
    chat = client.chats.create(MODEL)
    await chat.send_message("one")
    emulator.faults.fail(GENERATE, status=400)
    with pytest.raises(BadRequestError):
        await chat.send_message("two")
    assert len(chat.history) == 2
    blocked = await chat.send_message("EMULATOR_BLOCK_PROMPT please")
    assert blocked.prompt_feedback is not None
    assert len(chat.history) == 2
    with pytest.raises(ValueError, match="empty"):
        await chat.send_message([])
    with pytest.raises(TypeError, match="message"):
        await chat.send_message(42)  # type: ignore[arg-type]


async def test_tuned_model_chat(client: Client, emulator: Emulator) -> None:
    op = await client.tuned_models.create(
        base_model="models/gemini-1.5-flash-001",
        tuning_task={
            "trainingData": {"examples": {"examples": [{"textInput": "a", "output": "b"}]}}
        },
    )
    tuned = await op.wait(timeout=5, poll_interval=0.01)
    chat = client.chats.create(str(tuned.name))
    await chat.send_message("hi tuned")
    assert emulator.request_log[-1]["path"] == f"/v1beta/{tuned.name}:generateContent"
    assert len(chat.history) == 2


# -- streaming --------------------------------------------------------------------------------


async def test_stream_adds_the_merged_answer_when_complete(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 4
    chat = client.chats.create(MODEL)
    unary = await client.models.generate_content(MODEL, contents="Tell me more")
    stream = chat.send_message_stream("Tell me more")
    parts = []
    async for chunk in stream:
        parts.append(chunk.text)
        assert chat.history == []  # not before the end
    assert len(parts) == 4
    assert texts(chat.history) == [("user", "Tell me more"), ("model", unary.text)]
    assert emulator.request_log[-1]["query"] == {"alt": "sse"}

    final = await chat.send_message_stream("Next").get_final_response()
    assert texts(chat.history)[2:] == [("user", "Next"), ("model", final.text)]


async def test_stream_left_early_or_failed_is_not_recorded(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 4
    chat = client.chats.create(MODEL)
    async for _ in chat.send_message_stream("break off"):
        break
    assert chat.history == []

    emulator.faults.drop_stream(STREAM, after_chunks=2)
    with pytest.raises(APIConnectionError):
        await chat.send_message_stream("cut").get_final_response()
    assert chat.history == []

    emulator.settings.stream_chunk_delay = 0.2
    with anyio.move_on_after(0.1):
        async with chat.send_message_stream("cancelled") as stream:
            async for _ in stream:
                pass
    assert chat.history == []
    assert client.connections_in_use == 0

    emulator.settings.stream_chunk_delay = 0
    async with chat.send_message_stream("whole") as stream:
        text = "".join([t async for t in stream.text_stream])
    assert texts(chat.history) == [("user", "whole"), ("model", text)]


async def test_a_failed_or_left_stream_touched_again_records_nothing(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 4
    chat = client.chats.create(MODEL)

    emulator.faults.drop_stream(STREAM, after_chunks=2)
    failed = chat.send_message_stream("cut")
    with pytest.raises(APIConnectionError):
        async for _ in failed:
            pass
    assert [chunk async for chunk in failed] == []  # iterated again after the failure
    await failed.get_final_response()
    assert chat.history == []

    emulator.faults.stream_error(STREAM, after_chunks=1)
    errored = chat.send_message_stream("error event")
    with pytest.raises(APIError):
        await errored.get_final_response()
    await errored.get_final_response()
    assert chat.history == []

    async with chat.send_message_stream("left") as left:
        async for _ in left:
            break
    assert [chunk async for chunk in left] == []
    await left.get_final_response()
    assert chat.history == []
    assert client.connections_in_use == 0
