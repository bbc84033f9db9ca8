"""Secrets beyond the key (credentials in default headers, a key echoed in an error body, a
password in the base URL) and malformed answers, each a typed error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TEST_KEY, LoopbackServer

from genlang_async import (
    APIConnectionError,
    APIError,
    BadRequestError,
    Client,
    MalformedResponseError,
    ResponseTooLargeError,
)

pytestmark = pytest.mark.usefixtures("no_key_env")

CREDENTIALS = {"Authorization": "Bearer top-secret-token", "Cookie": "session=cookie-secret"}


async def test_default_credentials_stay_on_the_api_host(server: LoopbackServer) -> None:
    foreign = server.url.replace("127.0.0.1", "localhost")
    server.reply("GET", "/v1beta/models/m", (200, {"name": "models/m"}))
    server.reply("GET", "/upload-elsewhere", (200, {}))
    async with Client(api_key=TEST_KEY, base_url=server.url, default_headers=CREDENTIALS) as c:
        await c.models.get("m")
        await c._transport.request("GET", f"{foreign}/upload-elsewhere")
    (home,) = server.hits("/v1beta/models/m")
    (away,) = server.hits("/upload-elsewhere")
    assert home.headers["authorization"] == CREDENTIALS["Authorization"]
    assert home.headers["cookie"] == CREDENTIALS["Cookie"]
    assert {"authorization", "cookie", "x-goog-api-key"}.isdisjoint(away.headers)


async def test_an_error_body_echoing_the_key_is_redacted(server: LoopbackServer) -> None:
    detail = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "metadata": {"key": TEST_KEY},
    }
    body = {
        "error": {
            "code": 400,
            "message": f"API key {TEST_KEY} not valid",
            "status": "INVALID_ARGUMENT",
            "details": [detail],
        }
    }
    server.reply("GET", "/v1beta/models/m", (400, body))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.models.get("m")
    error = caught.value
    shown = [str(error), repr(error), error.message, error.body.decode(), repr(error.details)]
    assert all(TEST_KEY not in text for text in shown)
    assert error.reason == "API_KEY_INVALID"


async def test_a_non_json_success_body_echoing_the_key_is_redacted(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/models/m", (200, f"<html>hello {TEST_KEY}</html>"))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(APIError) as caught:
            await client.models.get("m")
    assert TEST_KEY not in str(caught.value)
    assert TEST_KEY.encode() not in caught.value.body


async def test_a_password_in_the_base_url_is_hidden(refused_url: str) -> None:
    url = refused_url.replace("http://", "http://user:hunter2secret@")
    client = Client(api_key=TEST_KEY, base_url=url, max_retries=0)
    assert "hunter2secret" not in repr(client)
    assert "user:***@" in repr(client)
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client.models.get("m")
    assert "hunter2secret" not in str(caught.value)
    assert "hunter2secret" not in repr(caught.value.__cause__ and str(caught.value))


@pytest.mark.parametrize("body", [[1, 2], "text", 42, None, True])
async def test_a_success_body_that_is_not_an_object(server: LoopbackServer, body: Any) -> None:
    server.reply("POST", "/v1beta/models/m:generateContent", (200, json.dumps(body)))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(MalformedResponseError, match="expected a JSON object"):
            await client.models.generate_content("m", contents="hi")


async def test_a_field_of_the_wrong_shape(server: LoopbackServer) -> None:
    server.reply("POST", "/v1beta/models/m:generateContent", (200, {"candidates": "x"}))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(MalformedResponseError, match="GenerateContentResponse"):
            await client.models.generate_content("m", contents="hi")


@pytest.mark.parametrize(
    "body",
    [
        {"candidates": [1]},
        {"usageMetadata": []},
        {"promptFeedback": "blocked"},
    ],
)
async def test_an_answer_of_the_wrong_shape_fails_the_call(
    server: LoopbackServer, body: dict[str, Any]
) -> None:
    # The answer is typed on first use, but its containers are checked when it arrives.
    server.reply("POST", "/v1beta/models/m:generateContent", (200, body))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(MalformedResponseError, match="GenerateContentResponse"):
            await client.models.generate_content("m", contents="hi")


async def test_a_malformed_value_deeper_inside_fails_its_first_read(
    server: LoopbackServer,
) -> None:
    body = {"candidates": [{"content": {"parts": "x"}, "index": 0}], "modelVersion": "v"}
    server.reply("POST", "/v1beta/models/m:generateContent", (200, body))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        response = await client.models.generate_content("m", contents="hi")
    with pytest.raises(MalformedResponseError):
        response.text  # noqa: B018
    with pytest.raises(MalformedResponseError, match="GenerateContentResponse"):
        response.candidates  # noqa: B018


async def test_a_stream_chunk_of_the_wrong_shape(server: LoopbackServer) -> None:
    events = b'data: {"candidates": "x"}\r\n\r\n'
    server.reply(
        "POST",
        "/v1beta/models/m:streamGenerateContent",
        (200, events.decode()),
    )
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        async with client.models.stream_generate_content("m", contents="hi") as stream:
            chunk = await stream.__anext__()
            with pytest.raises(MalformedResponseError):
                _ = chunk.text
            with pytest.raises(MalformedResponseError):
                _ = chunk.candidates
        with pytest.raises(MalformedResponseError):
            await read_text(client)


async def read_text(client: Client) -> None:
    async with client.models.stream_generate_content("m", contents="hi") as stream:
        async for _ in stream.text_stream:
            pass


async def test_a_body_over_the_limit_is_not_read(server: LoopbackServer) -> None:
    big = {"candidates": [{"content": {"parts": [{"text": "x" * 5000}]}}]}
    server.reply("POST", "/v1beta/models/m:generateContent", (200, big))
    async with Client(
        api_key=TEST_KEY, base_url=server.url, max_retries=0, max_response_bytes=1000
    ) as client:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes=1000"):
            await client.models.generate_content("m", contents="hi")
    async with Client(api_key=TEST_KEY, base_url=server.url, max_response_bytes=None) as client:
        answer = await client.models.generate_content("m", contents="hi")
    assert answer.text == "x" * 5000


async def test_an_event_line_over_the_limit(server: LoopbackServer) -> None:
    line = json.dumps({"candidates": [{"content": {"parts": [{"text": "y" * 5000}]}}]})
    server.reply("POST", "/v1beta/models/m:streamGenerateContent", (200, f"data: {line}\r\n\r\n"))
    async with Client(
        api_key=TEST_KEY, base_url=server.url, max_retries=0, max_event_bytes=1000
    ) as client:
        with pytest.raises(ResponseTooLargeError, match="longer than 1000 bytes"):
            await read_text(client)
        assert client.connections_in_use == 0
    with pytest.raises(TypeError, match="max_event_bytes must be an int"):
        Client(api_key=TEST_KEY, max_event_bytes="big")  # type: ignore[arg-type]
