"""What a request is, for observers: HTTP method, URL path, API operation and model.

Only the path of the URL is kept: never the query string, the host's credentials or any
header, so nothing built from a :class:`CallInfo` can carry the API key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import attrs

__all__ = ["CallInfo", "call_info", "describe_url", "usage_model"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

#: Custom methods named by the GenAI semantic conventions' ``gen_ai.operation.name`` values.
_GENAI_OPERATIONS = {
    "generateContent": "generate_content",
    "streamGenerateContent": "generate_content",
    "embedContent": "embeddings",
    "batchEmbedContents": "embeddings",
    "embedText": "embeddings",
    "batchEmbedText": "embeddings",
    "generateText": "text_completion",
    "generateMessage": "chat",
}

_MODEL_COLLECTIONS = ("models", "tunedModels")

#: Custom methods that use a model (and count in ``client.usage``).
_USAGE_METHODS = frozenset({*_GENAI_OPERATIONS, "generateAnswer", "predict", "predictLongRunning"})


@attrs.frozen
class CallInfo:
    """One API call as observers see it.

    Attributes:
        method: the HTTP method (``"POST"``).
        path: the URL path (``"/v1beta/models/gemini-2.5-flash:generateContent"``), without
            the query string.
        operation: the API operation: the GenAI semantic conventions' name where there is one
            (``"generate_content"``, ``"embeddings"``), else the REST method snake_cased
            (``"count_tokens"``, ``"list"``, ``"get"``, ``"create"``, ``"patch"``,
            ``"delete"``).
        model: the model the call is about (``"gemini-2.5-flash"``,
            ``"tunedModels/my-model"``), or ``None``.
        stream: whether the response is an event stream.
        server_address: the host the call goes to.
        server_port: its port.
        usage_model: the model a successful call counts for in ``client.usage`` (a model
            operation: generation, embedding, answer, prediction), else ``None``.
    """

    method: str
    path: str
    operation: str
    model: str | None
    stream: bool
    server_address: str
    server_port: int | None
    usage_model: str | None = None


@lru_cache(maxsize=512)
def call_info(
    method: str, path: str, server_address: str = "", server_port: int | None = None
) -> CallInfo:
    """Describe a call from its HTTP method and URL path (a query string is dropped)."""
    path = path.split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    if segments and _looks_like_version(segments[0]):
        segments = segments[1:]
    if segments and segments[0] == "upload":  # /upload/v1beta/files
        segments = segments[2:] if len(segments) > 1 else []
    last = segments[-1] if segments else ""
    custom = last.partition(":")[2]
    if custom:
        segments[-1] = last.partition(":")[0]
    resource = _model_resource(segments)
    return CallInfo(
        method=method.upper(),
        path=path,
        operation=_operation(method.upper(), segments, custom),
        model=None if resource is None else _model_id(resource),
        stream=custom == "streamGenerateContent",
        server_address=server_address,
        server_port=server_port,
        usage_model=usage_model(resource, custom),
    )


def usage_model(resource: str | None, custom_method: str) -> str | None:
    """The ``client.usage`` key of a call of ``custom_method`` (``"generateContent"``) on
    the model ``resource`` (``"models/x"``), or ``None`` when the call does not count."""
    if resource is None or custom_method not in _USAGE_METHODS:
        return None
    return _model_id(resource)


def _model_id(resource: str) -> str:
    return resource.removeprefix("models/")


@lru_cache(maxsize=512)
def _describe(method: str, url: str) -> CallInfo:
    parts = urlsplit(url)
    return call_info(method, parts.path, parts.hostname or "", parts.port)


def describe_url(method: str, url: str) -> CallInfo:
    """Describe a call from its HTTP method and full URL (the query string is dropped)."""
    return _describe(method, url.split("?", 1)[0])


def _looks_like_version(segment: str) -> bool:
    return len(segment) > 1 and segment[0] == "v" and segment[1].isdigit()


def _operation(method: str, segments: list[str], custom: str) -> str:
    if custom:
        return _GENAI_OPERATIONS.get(custom) or _CAMEL.sub("_", custom).lower()
    collection = len(segments) % 2 == 1  # models | models/x/permissions
    if method == "GET":
        return "list" if collection else "get"
    if method == "POST":
        return "create"
    if method == "PATCH":
        return "patch"
    if method == "DELETE":
        return "delete"
    return method.lower()


def _model_resource(segments: list[str]) -> str | None:
    if len(segments) >= 2 and segments[0] in _MODEL_COLLECTIONS:
        return f"{segments[0]}/{segments[1]}"
    return None
