"""Raw responses: ``client.<namespace>.with_raw_response.<method>(...)``.

The wrapped method runs as usual while a context variable asks the pipeline to note the
HTTP status, headers and retries of the call; the caller gets an :class:`APIResponse` whose
:meth:`~APIResponse.parse` returns what the plain method would have returned.

For type checkers each namespace's ``with_raw_response`` is a subclass of
:class:`RawResponses` that lists the namespace's methods through :func:`raw` (generated
for the generated namespaces, written beside the hand-written ones): ``raw(Models.get)`` has
``Models.get``'s parameters (overloads included) and returns ``APIResponse[Model]``
(:func:`raw_stream` for the methods returning a stream).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from types import MethodType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import attrs

from .calls import CallInfo

__all__ = ["APIResponse", "RawCapture", "RawResponses", "current_capture", "raw", "raw_stream"]

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")


@attrs.define
class RawCapture:
    """Filled in by the pipeline for the call that runs while it is current (the last HTTP
    exchange wins when a method sends several)."""

    call: CallInfo | None = None
    status: int | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    retries: int = 0


_capture: ContextVar[RawCapture | None] = ContextVar("genlang_async_raw", default=None)


def current_capture() -> RawCapture | None:
    """The capture of the ``with_raw_response`` call running in this context, if any."""
    return _capture.get()


class APIResponse(Generic[T]):
    """The HTTP side of one call, and its typed result through :meth:`parse`.

    Attributes:
        status: the HTTP status of the (last) response.
        headers: its headers (case-insensitive).
        elapsed: seconds the call took, retries and their waits included (for a stream:
            until its response headers arrived).
        retries: how many times it was retried.
        method: the HTTP method.
        path: the URL path (no query string).
    """

    def __init__(self, capture: RawCapture, result: T, elapsed: float) -> None:
        self.status: int | None = capture.status
        self.headers: Mapping[str, str] = capture.headers
        self.elapsed = elapsed
        self.retries = capture.retries
        self.method = capture.call.method if capture.call else None
        self.path = capture.call.path if capture.call else None
        self._result = result

    def parse(self) -> T:
        """What the method returns without ``with_raw_response``: the typed response; for a
        ``list`` method the first :class:`~genlang_async.Page`; for a stream the open
        stream (iterate it, then close it or leave its ``async with``)."""
        return self._result

    def __repr__(self) -> str:
        return (
            f"<APIResponse {self.method} {self.path} status={self.status} "
            f"retries={self.retries} elapsed={self.elapsed:.3f}s>"
        )


class RawResponses:
    """``namespace.with_raw_response``: the namespace's methods, each returning an
    :class:`APIResponse` instead of the result itself (its subclasses name them for type
    checkers: see :func:`raw`)."""

    __slots__ = ("_resource",)

    def __init__(self, resource: object) -> None:
        self._resource = resource

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._resource, name)
        if not isinstance(method, MethodType):
            raise AttributeError(
                f"{type(self._resource).__name__}.{name} is not a method; use "
                f"{name}.with_raw_response for a sub-namespace"
            )
        return _raw(method)

    def __dir__(self) -> list[str]:
        return [
            name
            for name in dir(self._resource)
            if not name.startswith("_")
            and isinstance(getattr(self._resource, name, None), MethodType)
        ]

    def __repr__(self) -> str:
        return f"<with_raw_response of {self._resource!r}>"


def raw(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], Awaitable[APIResponse[T]]]:
    """A :class:`RawResponses` subclass's attribute for the namespace method ``method`` (an
    ``async def`` method, or a ``list`` method: its pager is awaitable):
    ``class ModelsRaw(RawResponses): get = raw(Models.get)``. It takes ``method``'s
    arguments (overloads included) and returns the :class:`APIResponse` of what awaiting
    ``method``'s result gives (a pager's: its first :class:`~genlang_async.Page`), so
    ``mypy`` types ``client.models.with_raw_response.get(...)``. At run time it calls the
    namespace's own method of that name, as an attribute not listed does."""
    return _by_name(method.__name__, method.__doc__)


def raw_stream(
    method: Callable[Concatenate[Any, P], S],
) -> Callable[Concatenate[Any, P], Awaitable[APIResponse[S]]]:
    """:func:`raw` for a method returning a stream: the :class:`APIResponse` of the stream,
    opened (its response headers read)."""
    return _by_name(method.__name__, method.__doc__)


def _by_name(name: str, doc: str | None) -> Callable[..., Awaitable[APIResponse[Any]]]:
    def call(self: RawResponses, *args: Any, **kwargs: Any) -> Awaitable[APIResponse[Any]]:
        return self.__getattr__(name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = doc
    return call


def _raw(method: Callable[..., Any]) -> Callable[..., Awaitable[APIResponse[Any]]]:
    async def call(*args: Any, **kwargs: Any) -> APIResponse[Any]:
        capture = RawCapture()
        token = _capture.set(capture)
        started = time.perf_counter()
        try:
            result = method(*args, **kwargs)
            if isinstance(result, Coroutine):  # an ``async def`` method
                result = await result
            opened = await _open(result)
        finally:
            _capture.reset(token)
        return APIResponse(capture, opened, time.perf_counter() - started)

    call.__name__ = getattr(method, "__name__", "call")
    call.__doc__ = getattr(method, "__doc__", None)
    return call


async def _open(result: Any) -> Any:
    """A pager's first page, a stream opened (its headers read), anything else as is."""
    from .._http.streaming import GenerateContentStream
    from .._pagination import AsyncPager

    if isinstance(result, AsyncPager):
        return await result
    if isinstance(result, GenerateContentStream):
        return await result.__aenter__()
    return result
