"""Checked by mypy (``[tool.mypy] files``), never run: what the overloads of
``response_schema=`` and ``tools=`` make of the results."""

from __future__ import annotations

from typing import Any

import attrs
from typing_extensions import assert_type

from genlang_async import Client, ParsedResponse, StructuredStream
from genlang_async.types import Content, GenerateContentResponse


@attrs.define
class Recipe:
    title: str


async def check(client: Client) -> None:
    typed = await client.models.generate_content("m", contents="x", response_schema=Recipe)
    assert_type(typed, ParsedResponse[Recipe])
    assert_type(typed.parsed, Recipe)
    listed = await client.models.generate_content("m", contents="x", response_schema=list[Recipe])
    assert_type(listed.parsed, list[Recipe])
    plain = await client.models.generate_content("m", contents="x")
    assert_type(plain, GenerateContentResponse)
    assert_type(plain.tool_history, list[Content])
    schema = await client.models.generate_content(
        "m", contents="x", response_schema={"type": "string"}
    )
    assert_type(schema, ParsedResponse[Any])

    def tool(city: str) -> str:
        return city

    looped = await client.models.generate_content("m", contents="x", tools=[tool])
    assert_type(looped, GenerateContentResponse)
    stream = client.models.stream_generate_content("m", contents="x", response_schema=Recipe)
    assert_type(stream, StructuredStream[Recipe])
    assert_type((await stream.get_final_response()).parsed, Recipe)
    chat = client.chats.create("m", response_schema=Recipe)
    assert_type((await chat.send_message("hi")).parsed, Recipe)
    other = client.chats.create("m")
    assert_type(await other.send_message("hi"), GenerateContentResponse)
