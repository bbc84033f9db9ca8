"""Errors of calls that asked for binary answers (``alt=proto``): a binary
``google.rpc.Status`` reads into the same typed error as its JSON form, secrets taken out."""

from __future__ import annotations

import json

import pytest
from conftest import TEST_KEY, LoopbackServer, json_handler
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

from genlang_async import APIError, Client, RateLimitError
from genlang_async.emulator import Emulator, Fault
from genlang_async.emulator.pytest_plugin import emulator, emulator_settings

__all__ = ["emulator", "emulator_settings"]  # fixtures

pytestmark = pytest.mark.usefixtures("no_key_env")

BINARY = {"Content-Type": "application/x-protobuf"}
PATH = "/v1beta/models/gemini-embedding-001:batchEmbedContents"


def _quota_status(message: str) -> bytes:
    status = status_pb2.Status(code=8, message=message)
    status.details.add().Pack(
        error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=7))
    )
    status.details.add().Pack(
        error_details_pb2.ErrorInfo(reason="RATE_LIMIT_EXCEEDED", metadata={"key": TEST_KEY})
    )
    return status.SerializeToString()


@pytest.mark.parametrize("echoed", [False, True])
async def test_a_binary_error_is_read_whole_and_without_the_key(
    server: LoopbackServer, echoed: bool
) -> None:
    message = f"Quota exceeded for key {TEST_KEY}" if echoed else "Quota exceeded"
    server.on("POST", PATH, json_handler(429, _quota_status(message), BINARY))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.models.embed_many("gemini-embedding-001", ["a"])
    error = caught.value
    assert error.status == "RESOURCE_EXHAUSTED"
    assert error.retry_after == 7
    assert error.reason == "RATE_LIMIT_EXCEEDED"
    body = json.loads(error.body)  # the JSON form of the Status
    assert body["error"]["details"][0]["retryDelay"] == "7s"
    shown = [str(error), repr(error), error.message, error.body.decode(), repr(error.details)]
    assert all(TEST_KEY not in text for text in shown)


async def test_a_json_error_labelled_binary_is_read_as_json(server: LoopbackServer) -> None:
    error = {
        "error": {
            "code": 429,
            "message": "Quota exceeded",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}],
        }
    }
    server.on("POST", PATH, json_handler(429, json.dumps(error), BINARY))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.models.embed_many("gemini-embedding-001", ["a"])
    assert caught.value.status == "RESOURCE_EXHAUSTED"
    assert caught.value.retry_after == 7


@pytest.mark.parametrize("query", [None, {"alt": "proto"}])
async def test_the_emulator_names_a_status_alike_on_both_wires(
    emulator: Emulator, query: dict[str, str] | None
) -> None:
    emulator.faults.fail(PATH, status=501, times=1)
    async with Client(api_key="k", base_url=emulator.url, max_retries=0) as client:
        with pytest.raises(APIError) as caught:
            await client.models.batch_embed_contents(
                "gemini-embedding-001",
                requests=[{"content": {"parts": [{"text": "a"}]}}],
                extra_query=query,
            )
    assert caught.value.status == "UNIMPLEMENTED"


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), -1.0])
def test_a_fault_delay_must_be_a_number_of_seconds(seconds: float) -> None:
    with pytest.raises(ValueError, match="retry_delay must be a number of seconds"):
        Fault("error", PATH, retry_delay=seconds)
