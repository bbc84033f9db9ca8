"""Request preparation: URLs, query strings and headers (the API key only to the API's own
origin), built once per client and cached per path for the common call without options."""

from __future__ import annotations

import json as _json
import re
from collections.abc import Mapping
from typing import Any

from yarl import URL

from .._core.errors import MissingAPIKeyError
from .._core.options import RequestOptions
from .._version import __version__

__all__ = ["JSONBytes", "Redactor", "RequestBuilder", "encode_json", "encode_query"]

#: One encoder for every request body (building one per call costs more than encoding).
_encode = _json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

KEY_HEADER = "x-goog-api-key"
JSON_TYPE = "application/json; charset=utf-8"
_SECRET_HEADERS = frozenset({KEY_HEADER, "authorization", "proxy-authorization", "cookie"})
#: Default headers that authenticate to the API host, never sent to another origin.
_HOST_CREDENTIALS = (KEY_HEADER, "authorization", "cookie")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDACTED = "<redacted>"
_CACHE_SIZE = 512
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONBytes(bytes):
    """A JSON request body encoded beforehand (``json=JSONBytes(...)`` is sent as is): for
    bodies too large to hold as Python objects, such as inline batches."""


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (a :class:`JSONBytes` body as it is); ``ValueError`` naming the
    field that holds a lone surrogate (text that is not valid Unicode, e.g. half of an emoji
    cut from a UTF-16 string)."""
    if isinstance(value, JSONBytes):
        return value
    text = _encode(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        where = _surrogate_path(value, "")
        raise ValueError(
            f"{where or 'the request'} holds a lone surrogate (a half of a UTF-16 pair), which "
            "is not valid Unicode and cannot be sent: fix the text where it was decoded (for "
            "instance with errors='replace')"
        ) from None


def _surrogate_path(value: Any, path: str) -> str | None:
    """The wire path (``contents[0].parts[0].text``) of the first string with a surrogate."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        inner = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _SURROGATE.search(key):
            return inner
        found = _surrogate_path(item, inner)
        if found is not None:
            return found
    return None


def _origin(url: URL) -> tuple[str, str, int | None]:
    scheme = (url.scheme or "").lower()
    port = url.explicit_port or _DEFAULT_PORTS.get(scheme)
    return scheme, (url.host or "").lower(), port


def _query_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    enum_value = getattr(value, "value", None)
    if isinstance(enum_value, (str, int)):
        return str(enum_value)
    raise TypeError(f"unsupported query parameter value {value!r}")


def encode_query(*queries: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Flatten query mappings: bools as ``true``/``false``, lists repeated, ``None`` dropped.

    A later mapping replaces the earlier mappings' values for the same name.
    """
    merged: dict[str, Any] = {}
    for query in queries:
        if query:
            merged.update(query)
    pairs: list[tuple[str, str]] = []
    for name, value in merged.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((name, _query_value(v)) for v in value if v is not None)
        else:
            pairs.append((name, _query_value(value)))
    return pairs


class Redactor:
    """Replaces known secrets in text meant for logs and exception messages."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def add_headers(self, headers: Mapping[str, str] | None) -> None:
        for name, value in (headers or {}).items():
            if name.lower() in _SECRET_HEADERS:
                self.add(value)
                self.add(value.split(" ", 1)[-1])

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text


def _has_key_header(headers: Mapping[str, str]) -> bool:
    return any(name.lower() == KEY_HEADER for name in headers)


class RequestBuilder:
    """URL and headers of each request, from one client's settings.

    Args:
        api_key: sent as ``x-goog-api-key`` to the ``base_url`` origin only.
        base_url: scheme, host and optional path prefix.
        api_version: the path segment after ``base_url``.
        default_headers: sent with every request (over the SDK's own headers).
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        api_version: str,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        base = URL(base_url)
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.api_key = api_key or None
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version.strip("/")
        self.default_headers = dict(default_headers or {})
        self._base_origin = _origin(base)
        self._prefix = "/".join(p for p in (self.base_url, self.api_version) if p) + "/"
        self.redact = Redactor()
        self.redact.add(self.api_key)
        self.redact.add(URL(base_url).password)
        self.redact.add_headers(default_headers)
        agent = f"genlang-async/{__version__}"
        headers = {"user-agent": agent, "x-goog-api-client": agent}
        headers.update({k.lower(): v for k, v in self.default_headers.items()})
        self._headers = headers
        # (path, content type) -> (URL, headers, key-free URL) for calls without query or
        # options; the header dicts are shared and never modified after this.
        self._cache: dict[tuple[str, str | None], tuple[URL, dict[str, str], str]] = {}

    def __repr__(self) -> str:
        key = "set" if self.api_key else "missing"
        return f"<RequestBuilder {self._prefix} api_key={key}>"

    @property
    def has_api_key(self) -> bool:
        return self.api_key is not None or KEY_HEADER in self._headers

    def url_for(self, path: str) -> str:
        """``path`` under ``{base_url}/{api_version}/``, or ``path`` itself if absolute."""
        if path.startswith(("http://", "https://")):
            return path
        return self._prefix + path.lstrip("/")

    def build(
        self,
        path: str,
        query: Mapping[str, Any] | None,
        options: RequestOptions | None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[URL, dict[str, str], str]:
        """URL, headers and key-free URL text of a request."""
        plain = not query and options is None and headers is None
        if plain:
            cached = self._cache.get((path, content_type))
            if cached is not None:
                return cached
        url = URL(self.url_for(path))
        pairs = encode_query(query, options.extra_query if options else None)
        if any(name == "key" for name, _ in pairs):
            raise ValueError("the API key is sent in a header: pass Client(api_key=...)")
        if pairs:
            url = url.extend_query(pairs)
        same_origin = _origin(url) == self._base_origin
        merged = dict(self._headers)
        if same_origin and self.api_key is not None:
            merged[KEY_HEADER] = self.api_key
        elif (
            same_origin
            and KEY_HEADER not in merged
            and not (options and options.extra_headers and _has_key_header(options.extra_headers))
        ):
            raise MissingAPIKeyError(base_url=self.base_url)
        if not same_origin:  # credentials of the API host stay there (an upload URL elsewhere)
            for name in _HOST_CREDENTIALS:
                merged.pop(name, None)
        if content_type is not None:
            merged["content-type"] = content_type
        for extra in (headers, options.extra_headers if options else None):
            if extra:
                self.redact.add_headers(extra)
                merged.update({k.lower(): v for k, v in extra.items()})
        if not same_origin:
            merged.pop(KEY_HEADER, None)  # whatever its source, the key stays home
        built = url, merged, self.redact(str(url))
        if plain:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[(path, content_type)] = built
        return built
