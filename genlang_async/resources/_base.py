"""What every resource namespace shares: sending a call, paging, streaming, operations.

The namespaces themselves are generated from the API description; this module is the
hand-written part they call into. Turning arguments into wire values is in
``genlang_async._core.coerce``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._core import coerce
from .._core.options import RequestOptions
from .._http.streaming import GenerateContentStream
from .._observe.raw import RawResponses
from .._operations import Operation
from .._pagination import AsyncPager, Page
from ..types import WireModel

if TYPE_CHECKING:
    from .._http.transport import Transport

M = TypeVar("M", bound=WireModel)
F = TypeVar("F", bound=Callable[..., Any])

#: Keyword arguments other SDKs take that this one spells differently: (argument, the
#: parameter a method must have for the hint to apply, the hint).
_HABITS = (
    (
        "config",
        "generation_config",
        "this SDK takes the settings as keyword arguments of their own (generation_config=, "
        "system_instruction=, tools=, tool_config=, safety_settings=, cached_content=), not "
        "a config object: see docs/migrating.md",
    ),
    (
        "contents",
        "content",
        "this method embeds one input, given as content=; for several inputs (one embedding "
        "each), use batch_embed_contents(model, requests=[...])",
    ),
)


def with_hints(method: F) -> F:
    """``method``, with a hint added to the ``TypeError`` of a keyword argument it lacks
    that other SDKs use (``config=``); ``method`` itself when no hint applies."""
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return method
    hints = {
        word: hint
        for word, needed, hint in _HABITS
        if word not in parameters and needed in parameters
    }
    if not hints:
        return method

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except TypeError as exc:
            for word, hint in hints.items():
                if word in kwargs:  # a keyword this method does not take: say what it takes
                    raise TypeError(f"{exc}: {hint}") from None
            raise

    call._hinted = True  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


T = TypeVar("T")


class Resource:
    """Base of the namespaces: holds the transport and sends calls through it."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, method in list(vars(cls).items()):
            if not name.startswith("_") and callable(method) and not hasattr(method, "_hinted"):
                setattr(cls, name, with_hints(method))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} namespace>"

    @property
    def with_raw_response(self) -> RawResponses:
        """This namespace's methods, each returning an :class:`~genlang_async.APIResponse`
        (status, headers, elapsed, retries and ``parse()``) instead of the result itself."""
        return RawResponses(self)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        idempotent: bool = True,
    ) -> Any:
        # A JSON object ({} for an empty body) when the server behaves: the callers check.
        return await self._transport.request(
            method, path, query=query, json=body, options=options, idempotent=idempotent
        )

    def _pager(
        self,
        path: str,
        *,
        query: Mapping[str, Any],
        page_token: str | None,
        options: RequestOptions | None,
        response_type: type[M],
        items_field: str,
    ) -> AsyncPager[Any]:
        async def fetch(token: str | None) -> Page[Any]:
            page_query = dict(query)
            if token:
                page_query["pageToken"] = token
            data = await self._call("GET", path, query=page_query, options=options)
            response = coerce.parse_response(response_type, data)
            items = getattr(response, items_field) or []
            next_token = getattr(response, "next_page_token", None) or None
            return Page(items=list(items), next_page_token=next_token, raw=response)

        return AsyncPager(fetch, page_token=page_token)

    def _stream(
        self,
        path: str,
        *,
        body: Mapping[str, Any],
        options: RequestOptions | None,
        parse: Callable[[dict[str, Any]], T],
        on_complete: Callable[[dict[str, Any]], None] | None = None,
    ) -> GenerateContentStream[T]:
        def open_body() -> Any:
            return self._transport.stream(
                "POST", path, query={"alt": "sse"}, json=body, options=options
            )

        return GenerateContentStream(
            open_body,
            parse,
            on_complete=on_complete,
            max_event_bytes=self._transport.max_event_bytes,
        )

    def _operation(
        self,
        data: Mapping[str, Any],
        parse: Callable[[dict[str, Any]], T],
        options: RequestOptions | None = None,
    ) -> Operation[T]:
        name = str(data.get("name") or "")

        async def poll() -> dict[str, Any]:
            return coerce.json_object(await self._call("GET", name, options=options), "Operation")

        async def cancel() -> None:
            await self._call("POST", f"{name}:cancel", options=options)

        return Operation(
            data,
            poll=poll,
            parse_result=parse,
            cancel=cancel if name.startswith("batches/") else None,
        )
