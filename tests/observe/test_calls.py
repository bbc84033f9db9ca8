"""What observers learn about a call from its method and URL path."""

from __future__ import annotations

import pytest

from genlang_async._observe.calls import call_info, describe_url


@pytest.mark.parametrize(
    ("method", "path", "operation", "model", "stream"),
    [
        (
            "POST",
            "/v1beta/models/gemini-2.5-flash:generateContent",
            "generate_content",
            "gemini-2.5-flash",
            False,
        ),
        (
            "POST",
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            "generate_content",
            "gemini-2.5-flash",
            True,
        ),
        (
            "POST",
            "/v1beta/models/text-embedding-004:batchEmbedContents",
            "embeddings",
            "text-embedding-004",
            False,
        ),
        (
            "POST",
            "/v1beta/models/gemini-2.5-flash:countTokens",
            "count_tokens",
            "gemini-2.5-flash",
            False,
        ),
        (
            "POST",
            "/v1beta/tunedModels/my-model:generateContent",
            "generate_content",
            "tunedModels/my-model",
            False,
        ),
        ("GET", "/v1beta/models", "list", None, False),
        ("GET", "/v1beta/models/gemini-2.5-flash", "get", "gemini-2.5-flash", False),
        ("GET", "/v1beta/corpora/c/documents", "list", None, False),
        ("POST", "/v1beta/corpora/c/documents", "create", None, False),
        ("PATCH", "/v1beta/corpora/c/documents/d", "patch", None, False),
        ("DELETE", "/v1beta/files/abc", "delete", None, False),
        ("POST", "/upload/v1beta/files", "create", None, False),
        (
            "post",
            "/v1beta/tunedModels/t:transferOwnership",
            "transfer_ownership",
            "tunedModels/t",
            False,
        ),
        ("POST", "/v1beta/batches/b:cancel", "cancel", None, False),
    ],
)
def test_call_info(method: str, path: str, operation: str, model: str | None, stream: bool) -> None:
    info = call_info(method, path, "example.test", 443)
    assert info.method == method.upper()
    assert info.path == path.split("?")[0]
    assert (info.operation, info.model, info.stream) == (operation, model, stream)
    assert (info.server_address, info.server_port) == ("example.test", 443)


def test_query_never_kept() -> None:
    info = call_info("GET", "/v1beta/files?pageSize=5&key=secret-key-123")
    assert "secret" not in repr(info)
    assert info.path == "/v1beta/files"


def test_describe_url_splits_host_port_and_drops_query() -> None:
    info = describe_url("GET", "http://127.0.0.1:8765/v1beta/models?pageSize=2")
    assert (info.path, info.server_address, info.server_port) == (
        "/v1beta/models",
        "127.0.0.1",
        8765,
    )
    assert info.operation == "list"
