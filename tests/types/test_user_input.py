"""The caller's dicts and scalars become exact proto3 JSON, or a typed local error naming the
field: durations, timestamps, snake_case keys, unknown keys, enums, NaN."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import genlang_async.types as T
from genlang_async import Client
from genlang_async._core.coerce import as_duration, as_model, as_timestamp
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings
from genlang_async.types._input import from_user

MODEL = "gemini-2.5-flash"


__all__ = ["client", "emulator", "emulator_settings"]  # fixtures


# -- durations and timestamps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "wire"),
    [
        ("3600s", "3600s"),
        ("1.5s", "1.5s"),
        ("0.000000001s", "0.000000001s"),
        (3600, "3600s"),
        (1.5, "1.5s"),
        (0.1, "0.1s"),
        (datetime.timedelta(hours=1), "3600s"),
        (datetime.timedelta(milliseconds=1500), "1.500s"),
    ],
)
def test_duration_forms(given: Any, wire: str) -> None:
    assert T.CachedContent(ttl=as_duration(given, "ttl")).to_dict() == {"ttl": wire}


@pytest.mark.parametrize("bad", ["1h", "3600", "s", "1.5 s", float("nan"), float("inf"), True, [1]])
def test_bad_duration_names_the_field_and_the_forms(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError), match=r"ttl.*(duration|timedelta)"):
        as_duration(bad, "ttl")


@given(st.integers(0, 10**12), st.integers(0, 999_999_999), st.sampled_from(["Z", "+05:30"]))
def test_timestamp_text_kept_to_the_nanosecond(seconds: int, nanos: int, zone: str) -> None:
    base = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    moment = base + datetime.timedelta(seconds=seconds % 10**9)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}" + zone
    value = as_timestamp(text, "expire_time")
    assert T.CachedContent(expire_time=value).to_dict() == {"expireTime": text}
    assert value.nanosecond == nanos  # type: ignore[union-attr]


def test_timestamp_from_datetime_and_bad_values() -> None:
    moment = datetime.datetime(2030, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.timezone.utc)
    assert T.CachedContent(expire_time=as_timestamp(moment, "t")).to_dict() == {
        "expireTime": "2030-01-02T03:04:05.006Z"
    }
    for bad in ("2030-01-02", "yesterday", "2030-01-02T03:04:05", 12):
        with pytest.raises(ValueError, match=r"expire_time: expected a timestamp.*RFC 3339"):
            as_timestamp(bad, "expire_time")


async def test_cached_contents_ttl_as_text_number_and_timedelta(
    client: Client, emulator: Emulator
) -> None:
    contents = [{"role": "user", "parts": [{"text": "cache me"}]}]
    made = await client.cached_contents.create(model=MODEL, contents=contents, ttl="3600s")
    assert made.expire_time is not None
    for ttl in (300, 1.5, "300s", datetime.timedelta(minutes=5)):
        assert made.name is not None
        patched = await client.cached_contents.patch(made.name, ttl=ttl)
        assert patched.expire_time is not None
    emulator.request_log.clear()
    with pytest.raises(ValueError, match="ttl"):
        await client.cached_contents.patch(made.name, ttl="5 minutes")
    assert emulator.request_log == []  # nothing sent
    exact = "2031-05-06T07:08:09.123456789Z"
    dated = await client.cached_contents.create(model=MODEL, contents=contents, expire_time=exact)
    assert dated.expire_time is not None
    assert dated.expire_time.nanosecond == 123_456_789  # type: ignore[attr-defined]


# -- user dicts ----------------------------------------------------------------------------------


def test_snake_case_keys_become_wire_names_at_every_depth() -> None:
    request = from_user(
        T.GenerateContentRequest,
        {
            "generation_config": {
                "max_output_tokens": 5,
                "thinking_config": {"thinking_budget": 0},
            },
            "contents": [
                {"parts": [{"inline_data": {"mime_type": "text/plain", "data": b"hi"}}]},
            ],
            "tools": [
                {
                    "function_declarations": [
                        {
                            "name": "f",
                            # free-form JSON: user keys untouched
                            "parameters_json_schema": {"type": "object", "my_key": {"a_b": 1}},
                        }
                    ]
                }
            ],
            "safetySettings": [{"category": 10, "threshold": "BLOCK_NONE"}],
        },
        "request",
    )
    assert request.to_dict() == {
        "generationConfig": {"maxOutputTokens": 5, "thinkingConfig": {"thinkingBudget": 0}},
        "contents": [{"parts": [{"inlineData": {"mimeType": "text/plain", "data": "aGk="}}]}],
        "tools": [
            {
                "functionDeclarations": [
                    {"name": "f", "parametersJsonSchema": {"type": "object", "my_key": {"a_b": 1}}}
                ]
            }
        ],
        "safetySettings": [
            {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_NONE"}
        ],
    }


def test_unknown_key_lists_near_matches_and_the_escape_hatch() -> None:
    with pytest.raises(ValueError, match="unknown field") as info:
        as_model({"max_output_token": 5}, T.GenerationConfig, "generation_config")
    message = str(info.value)
    assert message.startswith("generation_config: unknown field 'max_output_token'")
    assert "did you mean 'max_output_tokens' ('maxOutputTokens' on the wire)?" in message
    assert '"extra"' in message
    with pytest.raises(ValueError, match=r"contents\[0\]\.parts\[0\]: unknown field 'txt'"):
        from_user(T.GenerateContentRequest, {"contents": [{"parts": [{"txt": "x"}]}]}, "contents")
    with pytest.raises(ValueError, match="given twice"):
        as_model({"maxOutputTokens": 1, "max_output_tokens": 2}, T.GenerationConfig, "g")


def test_fields_newer_than_the_sdk_go_in_extra() -> None:
    config = as_model({"max_output_tokens": 5, "extra": {"newField": [1]}}, T.GenerationConfig, "g")
    assert config is not None
    assert config.to_dict() == {"maxOutputTokens": 5, "newField": [1]}


async def test_snake_case_generation_config_takes_effect(client: Client) -> None:
    response = await client.models.generate_content(
        MODEL, contents="Tell me a long story", generation_config={"max_output_tokens": 3}
    )
    assert response.candidates
    assert response.candidates[0].finish_reason == "MAX_TOKENS"
    with pytest.raises(ValueError, match="did you mean 'max_output_tokens'"):
        await client.models.generate_content(
            MODEL, contents="x", generation_config={"max_output_token": 3}
        )


# -- enums and floats ----------------------------------------------------------------------------


def test_enums_by_member_name_or_number_and_unknown_ones_kept() -> None:
    setting = as_model({"category": 7, "threshold": 99}, T.SafetySetting, "s")
    assert setting is not None
    assert setting.category is T.HarmCategory.HARM_CATEGORY_HARASSMENT
    assert setting.threshold == 99  # unknown number: kept and sent as is
    assert setting.to_dict() == {"category": "HARM_CATEGORY_HARASSMENT", "threshold": 99}
    newer = T.Candidate.from_dict({"finishReason": "SOMETHING_NEW"})
    assert newer.finish_reason == "SOMETHING_NEW"
    assert newer.to_dict() == {"finishReason": "SOMETHING_NEW"}


def test_nan_and_infinities_are_proto3_json_strings() -> None:
    config = as_model(
        {
            "temperature": float("nan"),
            "top_p": math.inf,
            "top_k": 2,
            "presence_penalty": "-Infinity",
        },
        T.GenerationConfig,
        "g",
    )
    assert config is not None
    wire = config.to_dict()
    assert wire == {
        "temperature": "NaN",
        "topP": "Infinity",
        "topK": 2,
        "presencePenalty": "-Infinity",
    }
    json.dumps(wire, allow_nan=False)  # valid JSON
    back = T.GenerationConfig.from_dict(wire)
    assert math.isnan(back.temperature or 0.0)
    assert back.top_p == math.inf
    assert back.presence_penalty == -math.inf
    embedding = T.ContentEmbedding.from_dict({"values": [0.5, "NaN", "Infinity"]})
    assert embedding.values is not None
    assert embedding.values[0] == 0.5
    assert math.isnan(embedding.values[1])
    assert embedding.to_dict() == {"values": [0.5, "NaN", "Infinity"]}


def test_a_float_list_reads_every_kind_of_item_as_before() -> None:
    """A float list is copied after one C-level sum when no item needs converting; when the
    sum stops (a string, a null, a huge integer among floats) it is read item by item."""
    cases: list[tuple[list[Any], list[Any]]] = [
        ([0.5, 2, True, -0.0], [0.5, 2, True, -0.0]),
        ([0.5, 10**400], [0.5, 10**400]),  # the sum overflows: the items are kept as they are
        ([0.5, None], [0.5, None]),
        (["-Infinity", 1.0], [-math.inf, 1.0]),
    ]
    for values, expected in cases:
        read = T.ContentEmbedding.from_dict({"values": values}).values
        assert read == expected
        assert read is not values
        assert [type(x) for x in read] == [type(x) for x in expected]
    built = T.ContentEmbedding(values=(x for x in [0.5, 1.5]))  # type: ignore[arg-type]
    assert built.to_dict() == {"values": [0.5, 1.5]}  # an iterator is read once, not emptied
    read = T.ContentEmbedding.from_dict({"values": iter(["NaN", 2.0])}).values
    assert math.isnan(read[0])
    assert read[1] == 2.0


async def test_nan_in_a_request_is_sent_as_valid_json(client: Client, emulator: Emulator) -> None:
    emulator.script("*:generateContent", [{"candidates": []}])
    await client.models.generate_content(
        MODEL, contents="x", generation_config={"temperature": float("nan")}
    )
    with pytest.raises(ValueError, match="NaN or an infinity in a free-form JSON field"):
        await client.models.generate_content(
            MODEL,
            contents=[
                {"parts": [{"function_response": {"name": "f", "response": {"x": math.nan}}}]}
            ],
        )
