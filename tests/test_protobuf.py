"""The binary wire format reader and writer (``alt=proto`` answers), checked against the
reference implementation: Google's ``protobuf`` runtime with the published ``google.rpc``
messages, and the embedding messages declared here from the API's proto definitions."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, duration_pb2, json_format
from google.protobuf.message_factory import GetMessageClass
from google.rpc import error_details_pb2, status_pb2
from hypothesis import given
from hypothesis import strategies as st

from genlang_async._core import protobuf
from genlang_async._core.protobuf import (
    BATCH_EMBED_CONTENTS_RESPONSE,
    EMBED_CONTENT_RESPONSE,
    STATUS,
    ProtobufError,
    answer_schema,
    decode,
    encode,
    error_json,
)


def _embedding_messages() -> dict[str, Any]:
    """ContentEmbedding, EmbedContentResponse and BatchEmbedContentsResponse as in
    ``google/ai/generativelanguage/v1beta/generative_service.proto`` (field numbers as
    published), plus a later ContentEmbedding with one more field, for unknown fields."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="embeddings_test.proto", package="t", syntax="proto3"
    )
    label, kind = descriptor_pb2.FieldDescriptorProto, descriptor_pb2.FieldDescriptorProto

    def message(name: str, *fields: tuple[str, int, int, int, str]) -> None:
        added = proto.message_type.add(name=name)
        for field_name, number, field_label, field_type, type_name in fields:
            added.field.add(
                name=field_name,
                number=number,
                label=field_label,
                type=field_type,
                **({"type_name": type_name} if type_name else {}),
            )

    message("ContentEmbedding", ("values", 1, label.LABEL_REPEATED, kind.TYPE_FLOAT, ""))
    message(
        "LaterContentEmbedding",
        ("values", 1, label.LABEL_REPEATED, kind.TYPE_FLOAT, ""),
        ("shape", 2, label.LABEL_REPEATED, kind.TYPE_INT32, ""),
    )
    message(
        "EmbedContentResponse",
        ("embedding", 1, label.LABEL_OPTIONAL, kind.TYPE_MESSAGE, ".t.ContentEmbedding"),
    )
    message(
        "BatchEmbedContentsResponse",
        ("embeddings", 1, label.LABEL_REPEATED, kind.TYPE_MESSAGE, ".t.ContentEmbedding"),
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return {
        name: GetMessageClass(pool.FindMessageTypeByName(f"t.{name}"))
        for name in (
            "ContentEmbedding",
            "LaterContentEmbedding",
            "EmbedContentResponse",
            "BatchEmbedContentsResponse",
        )
    }


MESSAGES = _embedding_messages()


def _float32(values: list[Any]) -> list[float]:
    """As float32 numbers (JSON's ``"Infinity"`` and such included)."""
    numbers = [float(v) for v in values]
    return list(struct.unpack(f"<{len(numbers)}f", struct.pack(f"<{len(numbers)}f", *numbers)))


float32s = st.floats(width=32, allow_nan=False)
vectors = st.lists(float32s, max_size=40)


@given(st.lists(vectors, max_size=5))
def test_a_batch_written_by_protobuf_reads_as_its_json(batch: list[list[float]]) -> None:
    reference = MESSAGES["BatchEmbedContentsResponse"]()
    for values in batch:
        reference.embeddings.add().values.extend(values)
    decoded = decode(reference.SerializeToString(), BATCH_EMBED_CONTENTS_RESPONSE)
    # The exact float32 values; protobuf's own JSON form writes their shortest decimal text
    # (as the API's JSON answers do), which reads back as a slightly different double.
    assert decoded == ({"embeddings": [{"values": v} if v else {} for v in batch]} if batch else {})
    as_json = json_format.MessageToDict(reference)
    assert [_float32(e.get("values", [])) for e in decoded.get("embeddings", [])] == [
        _float32(e.get("values", [])) for e in as_json.get("embeddings", [])
    ]


@given(st.lists(vectors, max_size=5))
def test_what_encode_writes_protobuf_reads(batch: list[list[float]]) -> None:
    written = encode({"embeddings": [{"values": v} for v in batch]}, BATCH_EMBED_CONTENTS_RESPONSE)
    reference = MESSAGES["BatchEmbedContentsResponse"].FromString(written)
    assert [list(e.values) for e in reference.embeddings] == batch


@given(vectors)
def test_one_embedding_round_trips(values: list[float]) -> None:
    body = {"embedding": {"values": values}}
    assert decode(encode(body, EMBED_CONTENT_RESPONSE), EMBED_CONTENT_RESPONSE) == (
        body if values else {"embedding": {}}
    )


def test_floats_are_the_exact_float32_values() -> None:
    written = encode({"embedding": {"values": [0.1, -2.5, float("inf")]}}, EMBED_CONTENT_RESPONSE)
    values = decode(written, EMBED_CONTENT_RESPONSE)["embedding"]["values"]
    assert values == [struct.unpack("<f", struct.pack("<f", 0.1))[0], -2.5, float("inf")]
    assert all(type(v) is float for v in values)


def test_unpacked_floats_and_split_fields_are_read_too() -> None:
    one, two = struct.pack("<f", 1.5), struct.pack("<f", -3.0)
    unpacked = b"\x0d" + one + b"\x0d" + two  # field 1, wire type 5, twice
    packed = b"\x0a\x04" + one + b"\x0a\x04" + two  # field 1 packed, in two pieces
    for inner in (unpacked, packed):
        body = b"\x0a" + bytes([len(inner)]) + inner
        assert decode(body, EMBED_CONTENT_RESPONSE) == {"embedding": {"values": [1.5, -3.0]}}


def test_a_field_the_schema_does_not_know_is_kept() -> None:
    later = MESSAGES["LaterContentEmbedding"](values=[1.0], shape=[1, 256])
    reference = MESSAGES["EmbedContentResponse"]()
    reference.embedding.ParseFromString(later.SerializeToString())
    decoded = decode(reference.SerializeToString(), EMBED_CONTENT_RESPONSE)
    packed_shape = base64.b64encode(bytes([1, 128, 2])).decode()  # varints 1 and 256
    assert decoded == {"embedding": {"values": [1.0], "#2": [packed_shape]}}


def _status_with_every_detail() -> status_pb2.Status:
    status = status_pb2.Status(code=8, message="Resource has been exhausted (e.g. check quota).")
    details: list[Any] = [
        error_details_pb2.ErrorInfo(
            reason="RATE_LIMIT_EXCEEDED", domain="googleapis.com", metadata={"service": "x"}
        ),
        error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=43, nanos=5000)),
        error_details_pb2.QuotaFailure(
            violations=[
                error_details_pb2.QuotaFailure.Violation(
                    quota_metric="generativelanguage.googleapis.com/generate_content_requests",
                    quota_id="GenerateRequestsPerMinutePerProjectPerModel",
                    quota_dimensions={"model": "gemini-2.5-flash", "location": "global"},
                    quota_value=10,
                )
            ]
        ),
        error_details_pb2.Help(
            links=[error_details_pb2.Help.Link(description="Learn more", url="https://ai.dev")]
        ),
        error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field="contents",
                    description="required",
                    localized_message=error_details_pb2.LocalizedMessage(
                        locale="en-US", message="contents is required"
                    ),
                )
            ]
        ),
        error_details_pb2.LocalizedMessage(locale="en-US", message="API key not valid."),
        error_details_pb2.DebugInfo(stack_entries=["a", "b"], detail="d"),
        error_details_pb2.RequestInfo(request_id="r-1"),
        error_details_pb2.ResourceInfo(resource_type="model", resource_name="models/x"),
        error_details_pb2.PreconditionFailure(
            violations=[error_details_pb2.PreconditionFailure.Violation(type="TOS", subject="s")]
        ),
    ]
    for detail in details:
        status.details.add().Pack(detail)
    return status


def test_an_error_status_reads_as_the_json_error_object() -> None:
    status = _status_with_every_detail()
    expected = json_format.MessageToDict(status)
    error = error_json(status.SerializeToString(), 429)
    assert error.pop("code") == 429  # the HTTP status, as in JSON errors
    assert error.pop("status") == "RESOURCE_EXHAUSTED"
    assert error == {key: value for key, value in expected.items() if key != "code"}
    assert error["details"][1] == {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "43.000005s",
    }


def test_an_error_status_round_trips_through_encode() -> None:
    reference = _status_with_every_detail()
    error = error_json(reference.SerializeToString(), 429)
    fields = {"code": 8, "message": error["message"], "details": error["details"]}
    assert status_pb2.Status.FromString(encode(fields, STATUS)) == reference


def test_an_error_without_a_code_has_no_status() -> None:
    body = status_pb2.Status(message="backend down").SerializeToString()  # code 0 left out
    assert error_json(body, 503) == {"code": 503, "message": "backend down"}


def _reference_and_ours(body: bytes, reference: Any, schema: Any) -> tuple[dict[str, Any], Any]:
    return decode(body, schema), json_format.MessageToDict(reference.FromString(body))


def test_a_message_field_read_twice_is_merged_as_protobuf_merges() -> None:
    first = MESSAGES["EmbedContentResponse"](embedding={"values": [1.0, 2.0]})
    second = MESSAGES["EmbedContentResponse"](embedding={"values": [3.0]})
    body = first.SerializeToString() + second.SerializeToString()
    ours, google = _reference_and_ours(
        body, MESSAGES["EmbedContentResponse"], EMBED_CONTENT_RESPONSE
    )
    assert ours == google == {"embedding": {"values": [1.0, 2.0, 3.0]}}
    delay_seconds = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=7))
    delay_nanos = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(nanos=5 * 10**8))
    body = delay_seconds.SerializeToString() + delay_nanos.SerializeToString()
    retry_info = protobuf.ERROR_DETAILS["google.rpc.RetryInfo"]
    ours, google = _reference_and_ours(body, error_details_pb2.RetryInfo, retry_info)
    assert ours == google == {"retryDelay": "7.500s"}


def test_a_known_field_with_another_wire_type_is_kept_as_unknown() -> None:
    body = b"\x0a\x01x" + b"\x12\x02hi"  # code (an int32) sent length-delimited, then message
    assert decode(body, STATUS) == {"#1": [base64.b64encode(b"x").decode()], "message": "hi"}
    reference = status_pb2.Status.FromString(body)
    assert reference.message == "hi"
    assert reference.code == 0  # Google's runtime keeps it aside too


@pytest.mark.parametrize(
    ("seconds", "nanos"), [(0, 1_500_000_000), (1, -5), (-1, 5), (0, -1_000_000_000)]
)
def test_an_invalid_duration_is_an_error(seconds: int, nanos: int) -> None:
    inner = encode({"seconds": str(seconds), "nanos": nanos}, protobuf._DURATION)
    body = b"\x0a" + bytes([len(inner)]) + inner
    with pytest.raises(ProtobufError, match="not a valid Duration"):
        decode(body, protobuf.ERROR_DETAILS["google.rpc.RetryInfo"])


@pytest.mark.parametrize(
    ("value", "schema"),
    [
        ({"retryDelay": "100000000000000000000s"}, "google.rpc.RetryInfo"),
        ({"retryDelay": "infs"}, "google.rpc.RetryInfo"),
        ({"quotaValue": str(1 << 63)}, None),
    ],
)
def test_what_does_not_fit_is_not_written(value: dict[str, Any], schema: str | None) -> None:
    message = protobuf.ERROR_DETAILS[schema] if schema else protobuf._QUOTA_VIOLATION
    with pytest.raises(ProtobufError):
        encode(value, message)


def test_many_pieces_of_one_packed_field_add_up() -> None:
    piece = b"\x0a\x04" + struct.pack("<f", 0.5)
    inner = piece * 5000
    body = b"\x0a" + _varint_bytes(len(inner)) + inner
    assert decode(body, EMBED_CONTENT_RESPONSE)["embedding"]["values"] == [0.5] * 5000


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def test_a_detail_of_an_unknown_type_keeps_its_bytes() -> None:
    status = status_pb2.Status(code=3, message="bad")
    status.details.add(type_url="type.example.com/x.Unknown", value=b"\x08\x01")
    error = error_json(status.SerializeToString(), 400)
    assert error["details"] == [
        {"@type": "type.example.com/x.Unknown", "value": base64.b64encode(b"\x08\x01").decode()}
    ]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"\x0a", "ends inside a varint"),
        (b"\x0a\x05\x0a\x01", "past the end"),
        (b"\x0a\x03\x0a\x01\x00", "multiple of 4"),
        (b"\x0b", "wire type 3"),
        (b"\x00", "field number 0"),
        (b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "longer than 10 bytes"),
        (b"\xf8\xff\xff\xff\x7f\x00", "out of range"),  # field number 2**32 - 1
    ],
)
def test_malformed_messages_raise(body: bytes, complaint: str) -> None:
    with pytest.raises(ProtobufError, match=complaint):
        decode(body, EMBED_CONTENT_RESPONSE)


def test_a_string_that_is_not_utf8_raises() -> None:
    with pytest.raises(ProtobufError, match="UTF-8"):
        error_json(b"\x12\x01\xff", 400)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("models/gemini-embedding-001:embedContent", EMBED_CONTENT_RESPONSE),
        ("/v1beta/models/gemini-embedding-001:batchEmbedContents", BATCH_EMBED_CONTENTS_RESPONSE),
        ("https://host/v1beta/models/m:batchEmbedContents", BATCH_EMBED_CONTENTS_RESPONSE),
        ("models/gemini-2.5-flash:generateContent", None),
        ("models/gemini-2.5-flash", None),
        ("https://host:8080/v1beta/files", None),
    ],
)
def test_which_methods_answer_in_binary(path: str, schema: Any) -> None:
    assert answer_schema(path) is schema
