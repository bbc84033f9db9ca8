"""``response_schema=`` on generate / stream / chats, over HTTP: the emulator answers with
schema-shaped JSON; scripted answers cover invalid JSON, wrong types, repairs and chunk
splits; the loopback server shows what was sent."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
import json
from typing import Annotated, Any, Literal, TypedDict

import attrs
import pydantic
import pytest
from typing_extensions import NotRequired

from genlang_async import (
    Client,
    GenlangError,
    ParsedResponse,
    StructuredOutputError,
    StructuredStream,
    json_schema,
)
from genlang_async._core.json_schema import decode
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]  # fixtures

MODEL = "gemini-2.5-flash"
GENERATE = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent"


class Status(enum.Enum):
    OPEN = "open"
    PAID = "paid"


@attrs.define
class Line:
    description: Annotated[str, "what was sold"]
    quantity: int
    unit_price: float


@attrs.define
class Invoice:
    """An invoice."""

    number: str
    issued: dt.date
    lines: list[Line]
    status: Status
    due: dt.datetime | None = None
    currency: Literal["EUR", "USD"] = "EUR"
    totals: dict[str, float] = attrs.Factory(dict)


@dataclasses.dataclass
class Point:
    x: float
    y: float
    label: str | int = "p"


class Movie(TypedDict):
    title: str
    year: NotRequired[int]
    cast: list[str]


@attrs.define
class Chain:
    value: int
    next: Chain | None = None


class Pet(pydantic.BaseModel):
    name: str
    tags: list[str]


def answer(text: str, **candidate: Any) -> dict[str, Any]:
    content = {"role": "model", "parts": [{"text": text}]}
    return {"candidates": [{"content": content, "finishReason": "STOP", **candidate}]}


def chunks(text: str, size: int) -> list[dict[str, Any]]:
    """One streamed answer: ``text`` cut every ``size`` characters."""
    return [answer(text[i : i + size]) for i in range(0, len(text), size)]


INVOICE = {
    "number": "A-1",
    "issued": "2025-02-03",
    "lines": [
        {"description": 'Bolts "M6" \\ \u00e9 \U0001f600', "quantity": 3, "unit_price": 0.25}
    ],
    "status": "paid",
    "due": None,
    "currency": "USD",
    "totals": {"net": 0.75},
}


@pytest.mark.parametrize(
    "tp",
    [
        Invoice,
        Point,
        Movie,
        Chain,
        Pet,
        Status,
        Literal["yes", "no"],
        list[Line],
        tuple[int, str],
        dict[str, Point],
        Point | None,
        dt.datetime,
        dt.date,
    ],
    ids=str,
)
async def test_every_kind_of_type_from_the_emulator(client: Client, tp: Any) -> None:
    response = await client.models.generate_content(MODEL, contents="Make one.", response_schema=tp)
    assert isinstance(response, ParsedResponse)
    assert response.parsed == decode(tp, json.loads(response.text or ""))
    assert response.parsed is not None


async def test_a_json_schema_dict_gives_plain_json(client: Client) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    response = await client.models.generate_content(MODEL, contents="x", response_schema=schema)
    assert isinstance(response.parsed["n"], int)


async def test_what_is_sent(client: Client, server: Any) -> None:
    server.reply("POST", GENERATE, (200, answer(json.dumps(INVOICE))))
    async with Client(api_key="k", base_url=server.url) as loopback:
        response = await loopback.models.generate_content(
            MODEL,
            contents="Read it.",
            response_schema=Invoice,
            generation_config={"temperature": 0.1},
        )
    assert response.parsed.lines[0].description == INVOICE["lines"][0]["description"]
    assert response.parsed.status is Status.PAID
    (seen,) = server.hits(GENERATE)
    config = json.loads(seen.body)["generationConfig"]
    assert config == {
        "temperature": 0.1,
        "responseMimeType": "application/json",
        "responseJsonSchema": json_schema(Invoice),
    }


async def test_invalid_json_raises_with_text_and_response(
    client: Client, emulator: Emulator
) -> None:
    emulator.script(GENERATE, [answer('{"number": "A-1", ')])
    with pytest.raises(StructuredOutputError) as caught:
        await client.models.generate_content(MODEL, contents="x", response_schema=Invoice)
    error = caught.value
    assert isinstance(error, GenlangError)
    assert error.text == '{"number": "A-1", '
    assert error.response.text == error.text
    assert [e.path for e in error.errors] == ["$"]
    assert "not valid JSON" in str(error)


async def test_wrong_types_are_listed_with_paths(client: Client, emulator: Emulator) -> None:
    wrong = {**INVOICE, "lines": [{"description": 1, "quantity": "3"}], "status": "lost"}
    emulator.script(GENERATE, [answer(json.dumps(wrong))])
    with pytest.raises(StructuredOutputError, match="does not fit Invoice") as caught:
        await client.models.generate_content(MODEL, contents="x", response_schema=Invoice)
    assert {e.path for e in caught.value.errors} == {
        "$.lines[0].description",
        "$.lines[0].quantity",
        "$.lines[0].unit_price",
        "$.status",
    }
    assert caught.value.attempts == 1


async def test_repair_succeeds_on_the_second_attempt(server: Any) -> None:
    bad = json.dumps({**INVOICE, "status": "lost"})
    server.reply("POST", GENERATE, (200, answer(bad)), (200, answer(json.dumps(INVOICE))))
    async with Client(api_key="k", base_url=server.url) as loopback:
        response = await loopback.models.generate_content(
            MODEL, contents="Read it.", response_schema=Invoice, repair_attempts=2
        )
    assert response.parsed.status is Status.PAID
    first, second = (json.loads(seen.body) for seen in server.hits(GENERATE))
    assert first["contents"] == [{"role": "user", "parts": [{"text": "Read it."}]}]
    assert second["contents"][:2] == [
        first["contents"][0],
        {"role": "model", "parts": [{"text": bad}]},
    ]
    follow_up = second["contents"][2]
    assert follow_up["role"] == "user"
    assert "$.status: expected one of 'open', 'paid', got 'lost'" in follow_up["parts"][0]["text"]
    assert second["generationConfig"] == first["generationConfig"]


async def test_repairs_run_out(client: Client, emulator: Emulator) -> None:
    script = emulator.script(GENERATE, [answer("no"), answer("[]"), answer("{}")])
    with pytest.raises(StructuredOutputError, match="after 3 attempts") as caught:
        await client.models.generate_content(
            MODEL, contents="x", response_schema=Invoice, repair_attempts=2
        )
    assert script.hits == 3
    assert caught.value.text == "{}"
    assert len(caught.value.errors) == 4  # the four required fields


async def test_a_blocked_prompt_is_not_repaired(client: Client, emulator: Emulator) -> None:
    blocked = {"promptFeedback": {"blockReason": "SAFETY"}}
    script = emulator.script(GENERATE, [blocked, blocked])
    with pytest.raises(StructuredOutputError, match="prompt blocked: SAFETY") as caught:
        await client.models.generate_content(
            MODEL, contents="x", response_schema=Invoice, repair_attempts=1
        )
    assert caught.value.text is None
    assert script.hits == 1


async def test_retries_apply_to_each_attempt(client: Client, emulator: Emulator) -> None:
    emulator.faults.fail(GENERATE, status=503, times=1)
    emulator.script(GENERATE, [answer(json.dumps(INVOICE))])
    response = await client.models.generate_content(MODEL, contents="x", response_schema=Invoice)
    assert response.parsed.number == "A-1"
    assert [e["status"] for e in emulator.request_log] == [503, 200]


async def test_bad_arguments_fail_before_sending(client: Client, emulator: Emulator) -> None:
    class Plain:
        pass

    with pytest.raises(TypeError, match="response_schema: cannot build a JSON Schema for Plain"):
        await client.models.generate_content(MODEL, contents="x", response_schema=Plain)
    with pytest.raises(ValueError, match="repair_attempts must be >= 0"):
        await client.models.generate_content(
            MODEL, contents="x", response_schema=Point, repair_attempts=-1
        )
    with pytest.raises(ValueError, match="repair_attempts needs response_schema"):
        await client.models.generate_content(MODEL, contents="x", repair_attempts=1)
    with pytest.raises(ValueError, match="needs responseMimeType"):
        await client.models.generate_content(
            MODEL,
            contents="x",
            response_schema=Point,
            generation_config={"responseMimeType": "text/plain"},
        )
    with pytest.raises(ValueError, match="both given"):
        await client.models.generate_content(
            MODEL,
            contents="x",
            response_schema=Point,
            generation_config={"responseJsonSchema": {"type": "string"}},
        )
    with pytest.raises(TypeError, match="cannot build"):
        client.models.stream_generate_content(MODEL, contents="x", response_schema=Plain)
    with pytest.raises(TypeError, match="cannot build"):
        client.chats.create(MODEL, response_schema=Plain)
    assert emulator.request_log == []


# -- streaming ----------------------------------------------------------------------------


def _is_prefix(seen: Any, final: Any) -> bool:
    if isinstance(final, dict):
        return isinstance(seen, dict) and all(_is_prefix(v, final[k]) for k, v in seen.items())
    if isinstance(final, list):
        return isinstance(seen, list) and all(
            _is_prefix(s, f) for s, f in zip(seen, final, strict=False)
        )
    return seen == final


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
async def test_partial_objects_over_chunk_splits(
    client: Client, emulator: Emulator, size: int
) -> None:
    text = json.dumps([INVOICE, INVOICE], ensure_ascii=size % 2 == 0)
    emulator.script(STREAM, [chunks(text, size)])
    stream = client.models.stream_generate_content(
        MODEL, contents="x", response_schema=list[Invoice]
    )
    assert isinstance(stream, StructuredStream)
    async with stream:
        seen = [copy.deepcopy(value) async for value in stream.partial_objects]
        final = await stream.get_final_response()
    assert seen[0] == []
    assert seen[-1] == [INVOICE, INVOICE]
    assert all(_is_prefix(value, [INVOICE, INVOICE]) for value in seen)
    assert final.parsed == [decode(Invoice, INVOICE)] * 2
    assert final.text == text


async def test_stream_from_the_emulator(client: Client) -> None:
    async with client.models.stream_generate_content(
        MODEL, contents="x", response_schema=Invoice
    ) as stream:
        texts = [chunk.text async for chunk in stream]
        final = await stream.get_final_response()
    assert len(texts) > 1
    assert isinstance(final.parsed, Invoice)
    assert final.text == "".join(t or "" for t in texts)


async def test_a_stream_that_is_not_json(client: Client, emulator: Emulator) -> None:
    emulator.script(STREAM, [chunks('{"number": "A-1"} and more', 4)])
    async with client.models.stream_generate_content(
        MODEL, contents="x", response_schema=Invoice
    ) as stream:
        seen = [copy.deepcopy(value) async for value in stream.partial_objects]
        with pytest.raises(StructuredOutputError, match="not JSON"):
            await stream.get_final_response()
    assert seen[-1] == {"number": "A-1"}


# -- chats --------------------------------------------------------------------------------


async def test_chats_keep_parsed_and_the_json_history(client: Client, emulator: Emulator) -> None:
    chat = client.chats.create(MODEL, response_schema=Invoice)
    first = await chat.send_message("Read invoice one.")
    assert isinstance(first.parsed, Invoice)
    assert chat.history[1].text == first.text
    second = await chat.send_message("Now as a point.", response_schema=Point)
    assert isinstance(second.parsed, Point)

    emulator.script(GENERATE, [answer("not json")])
    with pytest.raises(StructuredOutputError):
        await chat.send_message("Again.")
    assert len(chat.history) == 4  # the failed turn adds nothing

    async with chat.send_message_stream("Streamed.") as stream:
        final = await stream.get_final_response()
    assert isinstance(final.parsed, Invoice)
    assert chat.history[-1].text == final.text

    emulator.script(STREAM, [chunks("[1, 2", 2)])
    async with chat.send_message_stream("Broken.") as stream:
        with pytest.raises(StructuredOutputError):
            await stream.get_final_response()
    assert len(chat.history) == 6


async def test_plain_chats_and_calls_are_unchanged(client: Client) -> None:
    chat = client.chats.create(MODEL)
    reply = await chat.send_message("Hi")
    assert not isinstance(reply, ParsedResponse)
    response = await client.models.generate_content(MODEL, contents="Hi")
    assert not isinstance(response, ParsedResponse)
