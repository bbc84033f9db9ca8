"""Error mapping and typed error details, checked against errors recorded from the real API."""

from __future__ import annotations

import datetime as dt
import json
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import genlang_async
from genlang_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    GenlangError,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)
from genlang_async._core.error_details import (
    BadRequest,
    DebugInfo,
    ErrorInfo,
    FieldViolation,
    Help,
    LocalizedMessage,
    PreconditionFailure,
    QuotaFailure,
    RetryInfo,
    format_duration,
    parse_duration,
    parse_error_details,
)
from genlang_async._core.errors import api_error_from_response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real" / "errors"


def _load(name: str) -> tuple[int, dict[str, str], bytes]:
    data = json.loads((FIXTURES / name).read_text())
    response = data["response"]
    if "body_text" in response:
        body = response["body_text"].encode()
    else:
        body = json.dumps(response["body_json"]).encode()
    return response["status"], response["headers"], body


@pytest.mark.parametrize(
    ("name", "cls", "status"),
    [
        ("400_api_key_invalid.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_api_key_invalid_on_stream.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_batch_embed_too_many_requests.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_failed_precondition_user_location.json", BadRequestError, "FAILED_PRECONDITION"),
        ("400_input_token_count_exceeded.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_penalty_not_enabled.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_thinking_budget_and_level.json", BadRequestError, "INVALID_ARGUMENT"),
        ("400_thinking_level_minimal_unsupported.json", BadRequestError, "INVALID_ARGUMENT"),
        ("403_service_disabled.json", PermissionDeniedError, "PERMISSION_DENIED"),
        ("403_unregistered_caller_no_key.json", PermissionDeniedError, "PERMISSION_DENIED"),
        ("404_count_tokens_model_not_found.json", NotFoundError, "NOT_FOUND"),
        ("404_model_not_found.json", NotFoundError, "NOT_FOUND"),
        ("404_model_not_found_on_stream.json", NotFoundError, "NOT_FOUND"),
        ("429_resource_exhausted_retry_info.json", RateLimitError, "RESOURCE_EXHAUSTED"),
    ],
)
def test_recorded_errors_map_to_typed_exceptions(
    name: str, cls: type[APIError], status: str
) -> None:
    code, headers, body = _load(name)
    error = api_error_from_response(code, None, headers, body)
    assert type(error) is cls
    assert error.status_code == code
    assert error.status == status
    assert error.body == body
    assert error.message
    assert str(error).startswith(f"{code} {status}: {error.message[:20]}")
    raw = json.loads(body)["error"]
    assert [d if isinstance(d, dict) else d.to_dict() for d in error.details] == raw.get(
        "details", []
    )


def test_not_found_message_is_readable() -> None:
    error = api_error_from_response(404, "Not Found", {}, _load("404_model_not_found.json")[2])
    assert str(error).startswith(
        "404 NOT_FOUND: models/this-model-does-not-exist-12345 is not found"
    )


def test_rate_limit_details_and_retry_after() -> None:
    error = api_error_from_response(
        429, None, {}, _load("429_resource_exhausted_retry_info.json")[2]
    )
    assert isinstance(error, RateLimitError)
    quota, retry = error.details
    assert isinstance(quota, QuotaFailure)
    assert quota.violations[0].quota_id == "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
    assert isinstance(retry, RetryInfo)
    assert retry.retry_delay == dt.timedelta(seconds=34.4)
    assert error.retry_after == pytest.approx(34.4)


def test_error_info_reason_and_help_links() -> None:
    error = api_error_from_response(400, None, {}, _load("400_api_key_invalid.json")[2])
    assert error.reason == "API_KEY_INVALID"
    assert isinstance(error.details[1], LocalizedMessage)
    assert error.details[1].locale == "en-US"
    denied = api_error_from_response(403, None, {}, _load("403_service_disabled.json")[2])
    assert denied.reason == "SERVICE_DISABLED"
    help_ = denied.details[0]
    assert isinstance(help_, Help)
    assert help_.links[0].url.startswith("https://console.developers.google.com/")
    assert denied.error_info is not None
    assert denied.error_info.metadata["consumer"] == "projects/12345678"
    debug = api_error_from_response(
        400, None, {}, _load("400_failed_precondition_user_location.json")[2]
    ).details[0]
    assert isinstance(debug, DebugInfo)
    assert debug.detail.startswith("[ORIGINAL ERROR]")


HTML_502 = b"""<!DOCTYPE html>
<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>
<style>*{margin:0;padding:0}html{font:15px/22px arial}</style>
<p><b>502.</b> <ins>That's an error.</ins>
<p>The server encountered a temporary error and could not complete your request.
<p>Please try again in 30 seconds. <ins>That's all we know.</ins></html>"""


def test_html_error_page_gives_short_readable_message() -> None:
    error = api_error_from_response(502, "Bad Gateway", {"Content-Type": "text/html"}, HTML_502)
    assert type(error) is APIError
    assert error.status is None
    text = str(error)
    assert text.startswith("502 Bad Gateway: Error 502 (Server Error)!!1")
    assert "temporary error" in text
    assert "<" not in text
    assert "margin" not in text
    assert len(text) < 400
    unavailable = api_error_from_response(503, "Service Unavailable", {}, b"upstream down\n")
    assert isinstance(unavailable, ServiceUnavailableError)
    assert str(unavailable) == "503 Service Unavailable: upstream down"


def test_long_plain_text_is_trimmed() -> None:
    error = api_error_from_response(500, "Internal Server Error", {}, b"x" * 10_000)
    assert len(str(error)) < 400
    assert str(error).endswith("...")


def test_empty_body_and_unmapped_status() -> None:
    error = api_error_from_response(418, "I'm a teapot", {}, b"")
    assert type(error) is APIError
    assert str(error) == "418 I'm a teapot"


def test_json_array_error_body() -> None:
    body = json.dumps([{"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}])
    error = api_error_from_response(404, None, {}, body.encode())
    assert isinstance(error, NotFoundError)
    assert error.message == "gone"


def test_retry_after_header_seconds_and_date() -> None:
    body = b'{"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}'
    error = api_error_from_response(503, None, {"Retry-After": "7"}, body)
    assert error.retry_after == 7.0
    now = 1_700_000_000.0
    date = formatdate(now + 30, usegmt=True)
    error = api_error_from_response(503, None, {"retry-after": date}, body, now=now)
    assert error.retry_after == pytest.approx(30.0)


def test_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, GenlangError)
    assert issubclass(APIError, GenlangError)
    assert issubclass(MissingAPIKeyError, GenlangError)
    assert issubclass(MissingAPIKeyError, ValueError)
    for name in genlang_async.__all__:
        assert getattr(genlang_async, name) is not None


# --------------------------------------------------------------------------- details


def test_unknown_and_malformed_details_stay_dicts() -> None:
    unknown = {"@type": "type.googleapis.com/google.rpc.Unheard", "x": 1}
    malformed = {"@type": RetryInfo.TYPE_URL, "retryDelay": "soon"}
    not_a_dict = "text"
    details = parse_error_details([unknown, malformed, not_a_dict])
    assert details == (unknown, malformed)
    assert parse_error_details(None) == ()


@pytest.mark.parametrize(
    "wire",
    [
        {"@type": ErrorInfo.TYPE_URL, "reason": "R", "domain": "d", "metadata": {"a": "b"}},
        {"@type": RetryInfo.TYPE_URL, "retryDelay": "3.5s"},
        {"@type": RetryInfo.TYPE_URL, "retryDelay": "34s"},
        {
            "@type": QuotaFailure.TYPE_URL,
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_requests",
                    "quotaId": "PerMinute",
                    "quotaDimensions": {"model": "gemini-2.5-flash", "location": "global"},
                    "quotaValue": "15",
                }
            ],
        },
        {
            "@type": BadRequest.TYPE_URL,
            "fieldViolations": [
                {
                    "field": "contents",
                    "description": "required",
                    "localizedMessage": {"locale": "en", "message": "m"},
                }
            ],
        },
        {
            "@type": PreconditionFailure.TYPE_URL,
            "violations": [{"type": "TOS", "subject": "s", "description": "d"}],
        },
        {"@type": Help.TYPE_URL, "links": [{"description": "d", "url": "https://x"}]},
        {"@type": LocalizedMessage.TYPE_URL, "locale": "en-US", "message": "m"},
        {"@type": DebugInfo.TYPE_URL, "stackEntries": ["a", "b"], "detail": "d"},
    ],
)
def test_detail_round_trip(wire: dict[str, Any]) -> None:
    (detail,) = parse_error_details([wire])
    assert not isinstance(detail, dict)
    assert detail.to_dict() == wire
    assert type(detail).from_dict(wire) == detail


def test_field_violation_fields() -> None:
    (detail,) = parse_error_details(
        [{"@type": BadRequest.TYPE_URL, "fieldViolations": [{"field": "f", "reason": "R"}]}]
    )
    assert isinstance(detail, BadRequest)
    assert detail.field_violations == (FieldViolation(field="f", reason="R"),)


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=999_999),
)
def test_duration_round_trip(seconds: int, micros: int) -> None:
    delta = dt.timedelta(seconds=seconds, microseconds=micros)
    text = format_duration(delta)
    assert text.endswith("s")
    assert parse_duration(text) == delta


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3.5s", 3.5), ("0s", 0.0), ("1.000000001s", 1.0), ("-2s", -2.0), ("34.4s", 34.4)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    parsed = parse_duration(text)
    assert parsed is not None
    assert parsed.total_seconds() == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize("text", ["", "3.5", "s", "1.2.3s", "abc", "1e3s"])
def test_parse_duration_rejects(text: str) -> None:
    assert parse_duration(text) is None


def test_details_import_path_of_the_docs() -> None:
    # docs/errors.md imports the detail classes from ``genlang_async._error_details``.
    from genlang_async import _error_details

    assert _error_details.QuotaFailure is QuotaFailure
    assert set(_error_details.__all__) <= set(dir(_error_details))
