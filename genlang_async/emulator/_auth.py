"""API-key checks with the real API's error shapes."""

from __future__ import annotations

from aiohttp import web

from ._errors import ApiError
from ._settings import EmulatorSettings

_INVALID_KEY = "API key not valid. Please pass a valid API key."
_NO_KEY = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)


def api_key_of(request: web.Request) -> str:
    return request.headers.get("x-goog-api-key") or request.query.get("key") or ""


def check(request: web.Request, settings: EmulatorSettings) -> None:
    """Raise 403 without a key, 400 ``API_KEY_INVALID`` for a key outside ``api_keys``."""
    key = api_key_of(request)
    if not key:
        raise ApiError(403, _NO_KEY)
    if settings.api_keys is not None and key not in settings.api_keys:
        raise ApiError(
            400,
            _INVALID_KEY,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": _INVALID_KEY,
                },
            ],
        )
