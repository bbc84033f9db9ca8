"""Automatic function calling over HTTP: the emulator calls the functions a prompt names;
scripted answers cover ids, thought signatures, several rounds and bad arguments; the
loopback server shows exactly what went back."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import anyio
import attrs
import pytest

from genlang_async import (
    Client,
    FunctionCallEvent,
    FunctionResultEvent,
    ParsedResponse,
    TextEvent,
    ToolLoopError,
)
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]  # fixtures

MODEL = "gemini-2.5-flash"
GENERATE = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent"


@attrs.define
class Forecast:
    city: str
    celsius: float


async def get_weather(city: str, days: int = 1) -> Forecast:
    """Get the weather.

    Args:
        city: The city.
        days: Days ahead.
    """
    return Forecast(city=city, celsius=21.5)


def get_time(zone: str) -> str:
    """Current time in a zone."""
    return "12:00"


def call(name: str, args: dict[str, Any], call_id: str | None = None) -> dict[str, Any]:
    part: dict[str, Any] = {"functionCall": {"name": name, "args": args}}
    if call_id:
        part["functionCall"]["id"] = call_id
    return part


def answer(*parts: dict[str, Any], usage: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = {"candidates": [{"content": {"role": "model", "parts": list(parts)}}]}
    if usage:
        body["usageMetadata"] = {
            "promptTokenCount": usage,
            "candidatesTokenCount": 1,
            "totalTokenCount": usage + 1,
        }
    return body


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"text": value, **extra}


def sent(server: Any, path: str = GENERATE) -> list[dict[str, Any]]:
    return [json.loads(seen.body) for seen in server.hits(path)]


async def test_one_call_against_the_emulator(client: Client, emulator: Emulator) -> None:
    seen: list[tuple[str, int]] = []

    async def lookup(city: str, days: int = 1) -> Forecast:
        """Look up a forecast."""
        seen.append((city, days))
        return Forecast(city, 20.0)

    response = await client.models.generate_content(
        MODEL, contents="Please call lookup for Oslo.", tools=[lookup]
    )
    assert isinstance(response, ParsedResponse)
    assert len(seen) == 1
    assert isinstance(seen[0][0], str)
    assert response.text
    model_turn, reply = response.tool_history
    assert model_turn.role == "model"
    assert model_turn.parts[0].function_call.name == "lookup"
    assert reply.role == "user"
    assert reply.parts[0].function_response.response == {"city": seen[0][0], "celsius": 20.0}
    assert [e["path"] for e in emulator.request_log] == [GENERATE, GENERATE]
    assert client.connections_in_use == 0


async def test_parallel_calls_overlap(client: Client) -> None:
    arrived = 0
    both_in = anyio.Event()

    async def meet() -> None:
        nonlocal arrived
        arrived += 1
        if arrived == 2:
            both_in.set()
        with anyio.fail_after(5):  # returns only if the other call runs at the same time
            await both_in.wait()

    async def first_tool(n: int) -> str:
        """One."""
        await meet()
        return "one"

    async def second_tool(n: int) -> str:
        """Two."""
        await meet()
        return "two"

    response = await client.models.generate_content(
        MODEL, contents="Call first_tool and second_tool.", tools=[first_tool, second_tool]
    )
    calls, replies = response.tool_history
    assert [p.function_call.name for p in calls.parts] == ["first_tool", "second_tool"]
    assert [p.function_response.response for p in replies.parts] == [
        {"result": "one"},
        {"result": "two"},
    ]


async def test_rounds_ids_signatures_and_usage(server: Any) -> None:
    signature = base64.b64encode(bytes(range(256))).decode()
    first = answer(
        text("Let me check.", thought=True, thoughtSignature=signature),
        {**call("get_weather", {"city": "Oslo", "days": 2}, "c1"), "thoughtSignature": signature},
        call("get_time", {"zone": "CET"}, "c2"),
        usage=10,
    )
    second = answer(call("get_weather", {"city": "Rome"}, "c3"), usage=20)
    final = answer(text("Sunny in both."), usage=30)
    server.reply("POST", GENERATE, (200, first), (200, second), (200, final))
    async with Client(api_key="k", base_url=server.url) as loopback:
        response = await loopback.models.generate_content(
            MODEL, contents="Weather?", tools=[get_weather, get_time]
        )
    assert response.text == "Sunny in both."
    assert response.usage_metadata.prompt_token_count == 60
    assert response.usage_metadata.total_token_count == 63
    bodies = sent(server)
    assert len(bodies) == 3
    assert bodies[0]["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Get the weather.",
                    "parametersJsonSchema": {
                        "type": "object",
                        "properties": {
                            "city": {"type": "string", "description": "The city."},
                            "days": {"type": "integer", "description": "Days ahead."},
                        },
                        "required": ["city"],
                    },
                },
                {
                    "name": "get_time",
                    "description": "Current time in a zone.",
                    "parametersJsonSchema": {
                        "type": "object",
                        "properties": {"zone": {"type": "string"}},
                        "required": ["zone"],
                    },
                },
            ]
        }
    ]
    # the model turn goes back exactly as received, thought signatures byte for byte
    assert bodies[1]["contents"][1] == first["candidates"][0]["content"]
    assert bodies[1]["contents"][2] == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "id": "c1",
                    "name": "get_weather",
                    "response": {"city": "Oslo", "celsius": 21.5},
                }
            },
            {"functionResponse": {"id": "c2", "name": "get_time", "response": {"result": "12:00"}}},
        ],
    }
    assert bodies[2]["contents"][:3] == bodies[1]["contents"]
    assert bodies[2]["contents"][3] == second["candidates"][0]["content"]
    assert bodies[2]["contents"][4]["parts"][0]["functionResponse"]["id"] == "c3"
    assert len(response.tool_history) == 4


async def test_a_tool_that_raises(server: Any) -> None:
    async def explode(reason: str) -> None:
        """Fail."""
        raise ValueError(f"boom: {reason}")

    server.reply(
        "POST",
        GENERATE,
        (200, answer(call("explode", {"reason": "x"}, "e1"))),
        (200, answer(text("ok"))),
    )
    async with Client(api_key="k", base_url=server.url) as loopback:
        response = await loopback.models.generate_content(MODEL, contents="Go.", tools=[explode])
        assert response.text == "ok"
        reply = sent(server)[1]["contents"][2]["parts"][0]["functionResponse"]
        assert reply == {
            "id": "e1",
            "name": "explode",
            "response": {"error": "ValueError: boom: x"},
        }
        other = "gemini-2.0-flash"
        server.reply(
            "POST",
            f"/v1beta/models/{other}:generateContent",
            (200, answer(call("explode", {"reason": "y"}))),
        )
        with pytest.raises(ValueError, match="boom: y"):
            await loopback.models.generate_content(
                other, contents="Go.", tools=[explode], tool_errors="raise"
            )


async def test_bad_arguments_go_back_as_errors(server: Any) -> None:
    called = []

    async def lookup(city: str) -> str:
        """Look up."""
        called.append(city)
        return city

    server.reply(
        "POST",
        GENERATE,
        (200, answer(call("lookup", {"city": 3, "zip": "x"}))),
        (200, answer(text("sorry"))),
    )
    async with Client(api_key="k", base_url=server.url) as loopback:
        await loopback.models.generate_content(MODEL, contents="Go.", tools=[lookup])
    error = sent(server)[1]["contents"][2]["parts"][0]["functionResponse"]["response"]["error"]
    assert error.startswith("invalid arguments: ")
    assert "$.city: expected string, got a number" in error
    assert "$.zip: unexpected argument" in error
    assert called == []


async def test_the_round_limit(client: Client, emulator: Emulator) -> None:
    again = answer(call("get_time", {"zone": "UTC"}))
    script = emulator.script(GENERATE, [again, again, again])
    with pytest.raises(ToolLoopError, match="max_tool_rounds=2") as caught:
        await client.models.generate_content(
            MODEL, contents="x", tools=[get_time], max_tool_rounds=2
        )
    assert script.hits == 3
    assert len(caught.value.history) == 4
    assert caught.value.response.function_calls[0].name == "get_time"


async def test_timeouts_threads_and_options(client: Client, emulator: Emulator) -> None:
    threads = []

    def slow(n: int) -> str:
        """Sync and slow."""
        threads.append(threading.get_ident())
        threading.Event().wait(0.5)
        return "late"

    emulator.script(GENERATE, [answer(call("slow", {"n": 1}))])
    response = await client.models.generate_content(
        MODEL, contents="x", tools=[slow], tool_timeout={"slow": 0.05}
    )
    reply = response.tool_history[1].parts[0].function_response.response
    assert reply["error"] == "TimeoutError: slow did not finish within 0.05 s"
    assert threads
    assert threads[0] != threading.get_ident()

    emulator.script(GENERATE, [answer(call("get_time", {"zone": "UTC"}))])
    unrun = await client.models.generate_content(
        MODEL, contents="x", tools=[get_time], automatic_function_calling=False
    )
    assert unrun.function_calls[0].name == "get_time"
    for bad in ({"max_tool_rounds": 0}, {"tool_errors": "ignore"}, {"tool_timeout": -1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            await client.models.generate_content(MODEL, contents="x", tools=[get_time], **bad)
    with pytest.raises(TypeError, match=r"\*args"):
        await client.models.generate_content(MODEL, contents="x", tools=[print])


async def test_calls_to_functions_without_python_stop_the_loop(
    client: Client, emulator: Emulator
) -> None:
    declared = {"functionDeclarations": [{"name": "remote", "description": "Elsewhere."}]}
    emulator.script(GENERATE, [answer(call("remote", {}))])
    response = await client.models.generate_content(MODEL, contents="x", tools=[declared, get_time])
    assert response.function_calls[0].name == "remote"
    assert response.tool_history == []


# -- streaming ----------------------------------------------------------------------------


async def test_streaming_events_across_rounds(client: Client) -> None:
    in_use: list[int] = []

    async def lookup(city: str) -> str:
        """Look up."""
        in_use.append(client.connections_in_use)
        await anyio.sleep(0.05)
        return "sunny"

    events = []
    async with client.models.stream_generate_content(
        MODEL, contents="Call lookup please.", tools=[lookup]
    ) as stream:
        async for event in stream.events():
            events.append(event)
        final = await stream.get_final_response()
    kinds = [type(e) for e in events]
    assert kinds[0] is FunctionCallEvent
    assert kinds[1] is FunctionResultEvent
    assert events[1].response == {"result": "sunny"}
    assert all(kind is TextEvent for kind in kinds[2:])
    assert len(kinds) > 3
    assert final.text == "".join(e.text for e in events[2:])
    assert len(final.tool_history) == 2
    assert in_use == [0]  # the round's connection was released before the tool ran
    assert client.connections_in_use == 0


async def test_streaming_chunks_and_text_of_every_round(emulator: Emulator, client: Client) -> None:
    emulator.script(
        STREAM,
        [
            [answer(text("Checking. ")), answer(call("get_time", {"zone": "UTC"}, "t1"))],
            [answer(text("It is ")), answer(text("noon."))],
        ],
    )
    async with client.models.stream_generate_content(
        MODEL, contents="Time?", tools=[get_time]
    ) as stream:
        texts = [t async for t in stream.text_stream]
        final = await stream.get_final_response()
    assert texts == ["Checking. ", "It is ", "noon."]
    assert final.text == "It is noon."
    assert final.tool_history[1].parts[0].function_response.id == "t1"


async def test_cancelled_during_a_tool(client: Client) -> None:
    started = anyio.Event()
    cancelled = anyio.Event()

    async def hang(x: int) -> None:
        """Never returns."""
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()

    async with anyio.create_task_group() as group:
        group.start_soon(
            lambda: client.models.generate_content(MODEL, contents="Call hang.", tools=[hang])
        )
        with anyio.fail_after(5):
            await started.wait()
        group.cancel_scope.cancel()
    assert cancelled.is_set()
    assert client.connections_in_use == 0

    started, cancelled = anyio.Event(), anyio.Event()

    async def read() -> None:
        async with client.models.stream_generate_content(
            MODEL, contents="Call hang.", tools=[hang]
        ) as stream:
            async for _ in stream.events():
                pass

    async with anyio.create_task_group() as group:
        group.start_soon(read)
        with anyio.fail_after(5):
            await started.wait()
        group.cancel_scope.cancel()
    with anyio.fail_after(5):
        await cancelled.wait()
    assert client.connections_in_use == 0


# -- chats ------------------------------------------------------------------------------------


async def test_chats_record_every_turn(client: Client) -> None:
    chat = client.chats.create(MODEL, tools=[get_weather])
    reply = await chat.send_message("Call get_weather for Oslo.")
    roles = [turn.role for turn in chat.history]
    assert roles == ["user", "model", "user", "model"]
    assert chat.history[1].parts[0].function_call.name == "get_weather"
    assert chat.history[3].text == reply.text
    async with chat.send_message_stream("And now call get_weather again.") as stream:
        await stream.get_final_response()
    assert [turn.role for turn in chat.history][4:] == ["user", "model", "user", "model"]
    plain = await chat.send_message("Thanks!")
    assert plain.tool_history == []
    assert len(chat.history) == 10


async def test_tools_and_a_response_schema(client: Client) -> None:
    response = await client.models.generate_content(
        MODEL, contents="Call get_weather for Oslo.", tools=[get_weather], response_schema=Forecast
    )
    assert isinstance(response.parsed, Forecast)
    assert len(response.tool_history) == 2
    async with client.models.stream_generate_content(
        MODEL, contents="Call get_weather for Oslo.", tools=[get_weather], response_schema=Forecast
    ) as stream:
        partial = [value async for value in stream.partial_objects]
        final = await stream.get_final_response()
    assert partial
    assert isinstance(final.parsed, Forecast)
    assert len(final.tool_history) == 2
    assert len(stream.tool_history) == 2
