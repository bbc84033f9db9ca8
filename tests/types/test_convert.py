"""Unit tests of the converter pieces: timestamps, durations, int64, bytes, enums, extras."""

from __future__ import annotations

import datetime

import pytest

import genlang_async.types as T
from genlang_async.types import _convert as C

UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    "text",
    [
        "2024-07-02T15:29:23.939405938Z",
        "2024-07-02T15:29:23Z",
        "2024-07-02T15:29:23.1Z",
        "2024-07-02T15:29:23.100Z",
        "2024-07-02T17:29:23.5+02:00",
        "2024-07-02T10:29:23-05:30",
        "2024-07-02t15:29:23z",
    ],
)
def test_timestamp_roundtrip_is_exact(text: str) -> None:
    ts = C.parse_timestamp(text)
    assert ts.tzinfo is not None
    assert C.format_timestamp(ts) == text


def test_timestamp_values() -> None:
    ts = C.parse_timestamp("2024-07-02T15:29:23.939405938Z")
    assert ts == datetime.datetime(2024, 7, 2, 15, 29, 23, 939405, tzinfo=UTC)
    assert ts.nanosecond == 939405938
    off = C.parse_timestamp("2024-07-02T17:29:23+02:00")
    assert off.utcoffset() == datetime.timedelta(hours=2)
    assert off == datetime.datetime(2024, 7, 2, 15, 29, 23, tzinfo=UTC)
    neg = C.parse_timestamp("2024-07-02T10:29:23-05:30")
    assert neg.utcoffset() == -datetime.timedelta(hours=5, minutes=30)


def test_timestamp_from_plain_datetime() -> None:
    aware = datetime.datetime(
        2024, 1, 2, 5, 4, 5, 120000, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert C.format_timestamp(aware) == "2024-01-02T04:04:05.120Z"
    assert C.format_timestamp(datetime.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05Z"
    assert C.format_timestamp(datetime.datetime(2024, 1, 2, 3, 4, 5, 7, tzinfo=UTC)) == (
        "2024-01-02T03:04:05.000007Z"
    )
    shifted = C.parse_timestamp("2024-07-02T15:29:23.939405938Z") + datetime.timedelta(seconds=1)
    assert C.format_timestamp(shifted) == "2024-07-02T15:29:24.939405Z"


@pytest.mark.parametrize("bad", ["2024-07-02", "2024-07-02T15:29:23", "yesterday", ""])
def test_timestamp_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        C.parse_timestamp(bad)


@pytest.mark.parametrize("text", ["3.5s", "300s", "0s", "-1.25s", "0.000000001s", "3.500s"])
def test_duration_roundtrip_is_exact(text: str) -> None:
    assert C.format_duration(C.parse_duration(text)) == text


def test_duration_values() -> None:
    assert C.parse_duration("3.5s") == datetime.timedelta(seconds=3.5)
    assert C.parse_duration("-1.25s") == -datetime.timedelta(seconds=1.25)
    assert C.parse_duration("0.000000001s").nanoseconds == 1
    assert C.format_duration(datetime.timedelta(minutes=5)) == "300s"
    assert C.format_duration(datetime.timedelta(seconds=3.5)) == "3.500s"
    assert C.format_duration(datetime.timedelta(microseconds=1)) == "0.000001s"
    assert C.format_duration(-datetime.timedelta(seconds=1.5)) == "-1.500s"
    with pytest.raises(ValueError, match="duration"):
        C.parse_duration("5m")


def test_int64_and_bytes_fields() -> None:
    wire = {"batchStats": {"requestCount": "9007199254740993"}}
    batch = T.GenerateContentBatch.from_dict(wire)
    assert batch.batch_stats is not None
    assert batch.batch_stats.request_count == 9007199254740993
    assert batch.to_dict() == wire
    assert T.BatchStats(request_count=0).to_dict() == {"requestCount": "0"}
    # a number instead of a string is accepted, and written back as a string
    assert T.BatchStats.from_dict({"requestCount": 5}).to_dict() == {"requestCount": "5"}

    blob = T.Blob.from_dict({"data": "AP8=", "mimeType": "x/y"})
    assert blob.data == b"\x00\xff"
    assert blob.to_dict() == {"data": "AP8=", "mimeType": "x/y"}
    assert T.Blob.from_dict({"data": "AP8"}).data == b"\x00\xff"  # no padding
    assert T.Blob.from_dict({"data": "_-8="}).data == b"\xff\xef"  # URL-safe alphabet
    assert T.Blob(data=b"\xff\xef").to_dict() == {"data": "/+8="}


def test_enums_are_tolerant() -> None:
    c = T.Candidate.from_dict({"finishReason": "STOP"})
    assert c.finish_reason is T.CandidateFinishReason.STOP
    assert c.finish_reason == "STOP"
    assert str(c.finish_reason) == "STOP"
    assert f"{c.finish_reason}" == "STOP"
    new = T.Candidate.from_dict({"finishReason": "SOMETHING_NEW"})
    assert new.finish_reason == "SOMETHING_NEW"
    assert not isinstance(new.finish_reason, T.CandidateFinishReason)
    assert new.to_dict() == {"finishReason": "SOMETHING_NEW"}
    assert T.Candidate(finish_reason=T.CandidateFinishReason.SAFETY).to_dict() == {
        "finishReason": "SAFETY"
    }
    assert C.structure("STOP", T.CandidateFinishReason) is T.CandidateFinishReason.STOP
    assert C.structure("NEW", T.CandidateFinishReason) == "NEW"


def test_defaults_and_unset() -> None:
    cfg = T.GenerationConfig.from_dict({"temperature": 0, "candidateCount": 0, "stopSequences": []})
    assert cfg.to_dict() == {"temperature": 0, "candidateCount": 0, "stopSequences": []}
    assert T.Part(thought=False).to_dict() == {"thought": False}
    assert T.Part(text="").to_dict() == {"text": ""}
    assert T.Part().to_dict() == {}
    nulled = T.Part.from_dict({"text": None})
    assert nulled.text is None
    assert nulled.to_dict() == {"text": None}
    nulled.text = "set later"
    assert nulled.to_dict() == {"text": "set later"}


def test_unknown_fields_are_kept() -> None:
    wire = {"text": "hi", "brandNewField": {"a": [1, None]}, "other": None}
    part = T.Part.from_dict(wire)
    assert part.extra == {"brandNewField": {"a": [1, None]}, "other": None}
    assert part.to_dict() == wire
    assert part != T.Part(text="hi")
    assert T.Part(text="x", extra={"future": 1}).to_dict() == {"text": "x", "future": 1}


def test_struct_fields_are_plain_json() -> None:
    wire = {"name": "f", "args": {"a": [1, 2.5, None, {"b": True}], "c": "d"}}
    call = T.FunctionCall.from_dict(wire)
    assert call.args == wire["args"]
    assert call.to_dict() == wire


def test_nested_and_recursive() -> None:
    wire = {
        "type": "OBJECT",
        "properties": {"x": {"type": "ARRAY", "items": {"type": "INTEGER", "format": "int32"}}},
        "required": ["x"],
        "minItems": "1",
    }
    schema = T.Schema.from_dict(wire)
    assert schema.type is T.Type.OBJECT
    assert schema.properties is not None
    inner = schema.properties["x"].items
    assert inner is not None
    assert inner.type is T.Type.INTEGER
    assert schema.min_items == 1
    assert schema.to_dict() == wire


def test_converter_entry_points() -> None:
    wire = {"candidates": [{"content": {"parts": [{"text": "a"}], "role": "model"}}]}
    resp = C.structure(wire, T.GenerateContentResponse)
    assert resp == T.GenerateContentResponse.from_dict(wire)
    assert C.unstructure(resp) == wire == resp.to_dict()
    assert C.converter.structure(wire, T.GenerateContentResponse) == resp
    ts = C.structure("2024-07-02T15:29:23.939405938Z", datetime.datetime)
    assert C.unstructure(ts) == "2024-07-02T15:29:23.939405938Z"


def test_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match=r"File\.createTime"):
        T.File.from_dict({"createTime": "not a time"})
    with pytest.raises(TypeError, match="expected a JSON object"):
        T.File.from_dict([])  # type: ignore[arg-type]


def test_repr_shows_set_fields_only() -> None:
    assert repr(T.Part(text="hi")) == "Part(text='hi')"
