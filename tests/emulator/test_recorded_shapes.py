"""Every recorded live answer the emulator can produce comes back with the same set of fields:
the recorded request is replayed against the emulator and the field paths compared."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from .conftest import Api

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"

#: Recordings of answers the emulator produces (request replayed as recorded).
PRODUCED = [
    "generate/function_call_parallel",
    "generate/function_call_with_thought_signature",
    "generate/json_mode_response_schema",
    "generate/max_tokens_finish_reason",
    "generate/text_basic_gemini-2.5-flash",
    "generate/thinking_gemini-3-pro_thought_signature",
    "generate/thinking_include_thoughts",
    "generate/text_after_function_response_gemini-2.0-flash",
    "stream_json/int_enum_encoding_json_array",
    "stream_json/thinking_json_array",
    "stream_sse/function_call_with_thought_signature",
    "stream_sse/gemini-3-pro_text_with_thoughts_tokens",
    "stream_sse/max_tokens_finish_reason",
    "stream_sse/text_basic",
    "stream_sse/thinking_include_thoughts",
]

#: Recorded answers the emulator does not produce, and why (see docs/emulator.md).
NOT_PRODUCED = {
    "generate/code_execution": "code execution is not emulated",
    "stream_sse/code_execution": "code execution is not emulated",
    "generate/file_search_grounding": "grounding tools are not emulated",
    "generate/google_search_grounding": "grounding tools are not emulated",
    "stream_sse/google_search_grounding": "grounding tools are not emulated",
    "generate/image_generation_inline_data": "image output is not emulated",
    "generate/implicit_cache_usage": "implicit caching is not emulated",
    "stream_json/function_call_json_array": "the emulator calls a function only when its "
    "name is in the prompt; this prompt does not name it",
    "stream_sse/gemini-3-pro_function_call_thought_signature": "the same: the prompt does not "
    "name the function",
}

#: Recordings kept without their request (response-only fixtures) that the emulator produces
#: for a prompt with one of its triggers: (path, prompt). The model is the recorded one where
#: the catalogue has it, else the newest of its family.
PRODUCED_BY_TRIGGER = {
    "generate/finish_reason_safety": (
        "/v1beta/models/gemini-2.0-flash:generateContent",
        "Tell me a story. EMULATOR_SAFETY_STOP",
    ),
    "generate/prompt_blocked_prohibited_content": (
        "/v1beta/models/gemini-3.6-flash:generateContent",
        "EMULATOR_PROHIBITED_PROMPT",
    ),
    "stream_sse/prompt_blocked_safety": (
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "EMULATOR_BLOCK_PROMPT",
    ),
}

#: Response-only recordings the emulator does not produce.
NOT_PRODUCED_NO_REQUEST = {
    "generate/google_maps_grounding": "grounding tools are not emulated",
    "generate/url_context": "grounding tools are not emulated",
    "stream_sse/code_execution_firebase": "code execution is not emulated",
}

#: Fields the recordings show that the API description (rev. 2025-12-18) lacks.
NOT_IN_SPEC = {"usageMetadata.serviceTier"}

#: Where recordings of one model disagree, the emulator follows the newest; the older one's
#: extra fields are listed here.
OLDER_SHAPE = {
    "stream_json/int_enum_encoding_json_array": {  # 2025-08; the 2026 2.0 answer has none
        "candidates[].safetyRatings",
        "candidates[].safetyRatings[].category",
        "candidates[].safetyRatings[].probability",
    },
}

#: Fields an older (curated, response-only) recording lacks that every newer recording of
#: the same kind carries; the emulator follows the newer ones.
OLDER_SHAPE_LACKS = {
    # SDK mock data (grade D, Gemini 2.0 era): no responseId, which the 2026 Gemini 2.0
    # recording (generate/text_after_function_response_gemini-2.0-flash) carries
    "generate/finish_reason_safety": {"responseId"},
    # the same source: a blocked prompt with no usage, model version or response id, which
    # the newer blocked prompt (generate/prompt_blocked_prohibited_content) carries
    "stream_sse/prompt_blocked_safety": {
        "usageMetadata",
        "usageMetadata.promptTokenCount",
        "usageMetadata.totalTokenCount",
        "usageMetadata.promptTokensDetails",
        "usageMetadata.promptTokensDetails[].modality",
        "usageMetadata.promptTokensDetails[].tokenCount",
        "modelVersion",
        "responseId",
    },
}


def paths(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out |= {path} | paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= paths(item, prefix + "[]")
    return out


def answers(text: str, sse: bool) -> list[Any]:
    if sse:
        return [json.loads(b.strip()[5:]) for b in re.split(r"\r\n\r\n|\n\n", text) if b.strip()]
    body = json.loads(text)
    return body if isinstance(body, list) else [body]


def recorded(name: str) -> dict[str, Any]:
    return json.loads((REAL / f"{name}.json").read_text())  # type: ignore[no-any-return]


def test_every_recording_of_generation_is_classified() -> None:
    names = {
        f"{p.parent.name}/{p.stem}"
        for kind in ("generate", "stream_sse", "stream_json")
        for p in (REAL / kind).glob("*.json")
    }
    assert names == (
        set(PRODUCED) | set(NOT_PRODUCED) | set(PRODUCED_BY_TRIGGER) | set(NOT_PRODUCED_NO_REQUEST)
    )


@pytest.mark.parametrize("name", PRODUCED)
async def test_same_fields_as_recorded(api: Api, name: str) -> None:
    fixture = recorded(name)
    request, response = fixture["request"], fixture["response"]
    path, _, query = request["path"].partition("?")
    params = dict(urllib.parse.parse_qsl(query))
    sse = params.get("alt") == "sse"
    body = await api.post(path, request["body"], params=params)
    got = answers(body, sse=True) if sse else body if isinstance(body, list) else [body]
    assert_same_fields(name, got, response, sse)


@pytest.mark.parametrize("name", sorted(PRODUCED_BY_TRIGGER))
async def test_same_fields_as_recorded_blocks(api: Api, name: str) -> None:
    """Safety blocks (a blocked prompt, unary and streamed; a candidate stopped for SAFETY)
    come back with the fields of the recorded ones."""
    path, prompt = PRODUCED_BY_TRIGGER[name]
    route, _, query = path.partition("?")
    params = dict(urllib.parse.parse_qsl(query))
    request = {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}
    body = await api.post(route, request, params=params)
    sse = params.get("alt") == "sse"
    got = answers(body, sse=True) if sse else [body]
    response = recorded(name)["response"]
    assert_same_fields(name, got, response, sse)
    if sse:  # one event, as recorded
        assert len(got) == len(answers(response["body_text"], sse=True)) == 1


def assert_same_fields(name: str, got: list[Any], response: dict[str, Any], sse: bool) -> None:
    if "body_json" in response:
        want = [response["body_json"]]
    else:
        want = answers(response["body_text"], sse)
    want_paths = set().union(*map(paths, want)) - NOT_IN_SPEC - OLDER_SHAPE.get(name, set())
    want_paths |= OLDER_SHAPE_LACKS.get(name, set())
    got_paths = set().union(*map(paths, got))
    assert got_paths == want_paths, (
        f"missing {sorted(want_paths - got_paths)}, extra {sorted(got_paths - want_paths)}"
    )
