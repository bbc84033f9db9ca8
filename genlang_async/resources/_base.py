"""What every resource namespace shares: sending a call, paging, streaming, operations.

The namespaces themselves are generated from the API description; this module is the
hand-written part they call into. Turning arguments into wire values is in
``genlang_async._core.coerce``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from .._core import coerce
from .._core.names import resolve_name
from .._core.options import RequestOptions
from .._http.streaming import GenerateContentStream
from .._observe.raw import RawResponses
from .._operations import Operation as OperationHandle
from .._pagination import AsyncPager, Page
from ..types import WireModel

if TYPE_CHECKING:
    from .._core.options import TimeoutLike
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

    async def _start(
        self,
        parse: Callable[[dict[str, Any]], T],
        method: str,
        path: str,
        options: RequestOptions | None,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> OperationHandle[T]:
        """Send a call that answers with a long-running operation; its handle, whose result
        ``parse`` types. A call other than ``GET`` starts something: it is retried only
        when it certainly did not take effect."""
        data = await self._call(
            method, path, query=query, body=body, options=options, idempotent=method == "GET"
        )
        return self._operation(data, parse, options)

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        idempotent: bool = True,
    ) -> Coroutine[Any, Any, Any]:
        # The transport's coroutine itself (no frame of its own while the call is in flight):
        # a JSON object ({} for an empty body) when the server behaves; the callers check.
        return self._transport.request(
            method, path, query=query, json=body, options=options, idempotent=idempotent
        )

    def _pager(
        self,
        response_type: type[M],
        items_field: str,
        path: str,
        options: RequestOptions | None,
        page_size: int | None,
        page_token: str | None,
        *,
        query: Mapping[str, Any] | None = None,
    ) -> AsyncPager[Any]:
        """The pager of a ``list`` method: ``page_size`` and ``query`` sent with every page,
        from ``page_token`` on; each page's items are its ``items_field``."""
        params: dict[str, Any] = {}
        if page_size is not None:
            params["pageSize"] = coerce.page_size(page_size)
        if query is not None:
            params.update(query)
        page_token = coerce.check_scalar(page_token, str, "page_token")

        async def fetch(token: str | None) -> Page[Any]:
            page_query = dict(params)
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
    ) -> OperationHandle[T]:
        name = str(data.get("name") or "")

        async def poll() -> dict[str, Any]:
            return coerce.json_object(await self._call("GET", name, options=options), "Operation")

        async def cancel() -> None:
            await self._call("POST", f"{name}:cancel", options=options)

        return OperationHandle(
            data,
            poll=poll,
            parse_result=parse,
            cancel=cancel if name.startswith("batches/") else None,
        )


R = TypeVar("R")


class OperationsNamespace(Resource, Generic[R]):
    """The long-running operations of one collection (``client.tuned_models.operations``,
    ``client.models.operations``, ...): :meth:`get` one by name and wait for its result.

    Each collection's class (generated) says which names it takes and how the result is
    typed; ``client.operations`` takes the names of every collection.
    """

    #: The operation names this collection holds (``"tunedModels/*/operations/*"``).
    _operation_names: ClassVar[tuple[str, ...]]
    #: The type of an operation's result; ``None``: the wire dict (or the type its
    #: ``@type`` names).
    _result_type: ClassVar[type[WireModel] | None] = None

    async def get(
        self,
        name: str,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> OperationHandle[R]:
        """Get an operation of this collection: its handle (``await op.wait()`` for the
        result, typed as the namespace says).

        Args:
            name: the operation's name, as the namespace says
                (``tunedModels/*/operations/*``, ...); a bare id is completed.
            timeout: this call's timeout, seconds (in total) or a ``Timeout``; default the client's.
            max_retries: retries of this call; default the client's.
            extra_headers: headers added to this call.
            extra_query: query parameters added to this call.
        """
        name = resolve_name(name, *self._operation_names, argument="name")
        options = coerce.request_options(timeout, max_retries, extra_headers, extra_query)
        result_type = self._result_type
        parse = coerce.parse_any if result_type is None else result_type.from_dict
        return await self._start(cast("Callable[[dict[str, Any]], R]", parse), "GET", name, options)
