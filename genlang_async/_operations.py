"""Handle on a long-running operation (``google.longrunning.Operation``).

The handle knows nothing about HTTP: the resource layer builds it from the operation's wire
dict (``{"name", "metadata", "done", "error", "response"}``) and callbacks that re-fetch the
operation, turn its result into a typed object and (for some kinds) cancel it.

    op = await client.tuned_models.create(...)
    tuned_model = await op.wait(timeout=3600)   # polls with exponential backoff
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

import anyio

from ._core import rpc_code
from ._core.errors import GenlangError

__all__ = ["Operation", "OperationFailedError", "OperationTimeoutError"]

T = TypeVar("T")


class OperationFailedError(GenlangError):
    """A long-running operation finished with an error (its ``google.rpc.Status``)."""

    operation_name: str
    """Name of the failed operation."""
    code: int
    """Numeric ``google.rpc.Code`` (e.g. 3)."""
    status: str
    """Name of the code (e.g. ``"INVALID_ARGUMENT"``; ``"UNKNOWN"`` for unknown numbers)."""
    message: str
    """The server's error message."""
    details: list[dict[str, Any]]
    """``google.rpc.Status.details``: wire dicts, each with an ``@type`` key."""

    def __init__(self, operation_name: str, error: Mapping[str, Any]) -> None:
        self.operation_name = operation_name
        self.code, self.status, self.message, self.details = status_fields(error)
        text = f"operation {operation_name!r} failed: {self.status} ({self.code})"
        super().__init__(f"{text}: {self.message}" if self.message else text)


def status_fields(error: Mapping[str, Any]) -> tuple[int, str, str, list[dict[str, Any]]]:
    """Code, code name, message and details of a ``google.rpc.Status`` wire dict."""
    code = error.get("code", 2)
    code = code if isinstance(code, int) and not isinstance(code, bool) else 2
    status = rpc_code.name_of(code)
    details = error.get("details")
    listed = (
        [dict(d) for d in details if isinstance(d, Mapping)] if isinstance(details, list) else []
    )
    return code, status, str(error.get("message", "")), listed


class OperationTimeoutError(GenlangError, TimeoutError):
    """:meth:`Operation.wait` gave up: the operation was not done within ``timeout`` seconds.

    The operation itself goes on; wait again, or cancel it.
    """

    operation_name: str
    timeout: float

    def __init__(self, operation_name: str, timeout: float) -> None:
        self.operation_name = operation_name
        self.timeout = timeout
        super().__init__(f"operation {operation_name!r} not done after {timeout:g} s")


class Operation(Generic[T]):
    """A long-running operation, generic over its result type ``T``.

    Built from the operation's wire dict and:

    - ``poll()``: re-fetches the operation (GET by name) and returns its wire dict;
    - ``parse_result(d)``: turns the result into ``T``; ``d`` is the ``response`` dict (``{}``
      if absent), or the whole operation dict when ``result_from="operation"``;
    - ``cancel()``: cancels it, or ``None`` when the API cannot cancel this kind;
    - ``sleep``: the sleep used between polls (tests inject a fake).

    An operation counts as done when ``done`` is true, or when ``error`` or ``response`` is
    present (tolerating servers that leave ``done`` out).
    """

    __slots__ = (
        "_cancel",
        "_data",
        "_parse_result",
        "_poll",
        "_result",
        "_result_from",
        "_sleep",
    )

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        poll: Callable[[], Awaitable[Mapping[str, Any]]],
        parse_result: Callable[[dict[str, Any]], T],
        cancel: Callable[[], Awaitable[object]] | None = None,
        result_from: Literal["response", "operation"] = "response",
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
    ) -> None:
        if result_from not in ("response", "operation"):
            raise ValueError(f"result_from must be 'response' or 'operation', not {result_from!r}")
        self._poll = poll
        self._parse_result = parse_result
        self._cancel = cancel
        self._result_from = result_from
        self._sleep = sleep
        self._data: dict[str, Any] = {}
        self._result: tuple[T] | None = None
        self._update(data)

    def _update(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"an operation must be a JSON object, got {type(data).__name__}")
        self._data = dict(data)
        self._result = None

    def __repr__(self) -> str:
        return f"<Operation name={self.name!r} done={self.done}>"

    @property
    def name(self) -> str:
        """The operation's resource name (e.g. ``"tunedModels/x/operations/y"``)."""
        return str(self._data.get("name", ""))

    @property
    def done(self) -> bool:
        """Whether the operation has finished (successfully or not), as of the last poll."""
        data = self._data
        return bool(data.get("done")) or "error" in data or "response" in data

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The operation's metadata as of the last poll (a wire dict), if any."""
        metadata = self._data.get("metadata")
        return metadata if isinstance(metadata, dict) else None

    @property
    def error(self) -> dict[str, Any] | None:
        """The ``google.rpc.Status`` wire dict of a failed operation, else None."""
        error = self._data.get("error")
        return error if isinstance(error, dict) else None

    @property
    def raw(self) -> dict[str, Any]:
        """The operation's wire dict as of the last poll."""
        return self._data

    async def refresh(self) -> Operation[T]:
        """Fetch the operation's latest state once; return ``self``."""
        self._update(await self._poll())
        return self

    def result(self) -> T:
        """The typed result of a finished operation.

        Raises :class:`OperationFailedError` if it failed, :class:`RuntimeError` if it is not
        done yet (use :meth:`wait`).
        """
        if self._result is not None:
            return self._result[0]
        if self.error is not None:
            raise OperationFailedError(self.name, self.error)
        if not self.done:
            raise RuntimeError(f"operation {self.name!r} is not done yet; await op.wait()")
        if self._result_from == "operation":
            source = self._data
        else:
            response = self._data.get("response")
            source = response if isinstance(response, dict) else {}
        result = self._parse_result(source)
        self._result = (result,)
        return result

    async def wait(
        self,
        timeout: float | None = None,  # noqa: ASYNC109 (the contract's op.wait(timeout=...))
        *,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        backoff: float = 1.5,
    ) -> T:
        """Poll until the operation is done; return its typed result.

        Waits ``poll_interval`` seconds before the first poll, then multiplies the interval by
        ``backoff`` after each poll, up to ``max_interval``. Raises
        :class:`OperationFailedError` if the operation failed and
        :class:`OperationTimeoutError` (a :class:`TimeoutError`) if it is not done after
        ``timeout`` seconds (``None``: no limit); a poll in flight at the deadline is
        cancelled. Errors raised by ``poll`` propagate unchanged.
        """
        if timeout is not None and (math.isnan(timeout) or timeout < 0):
            raise ValueError(f"timeout must be >= 0 or None, got {timeout}")
        if not poll_interval > 0:
            raise ValueError(f"poll_interval must be > 0, got {poll_interval}")
        if not max_interval > 0:
            raise ValueError(f"max_interval must be > 0, got {max_interval}")
        if not backoff >= 1:
            raise ValueError(f"backoff must be >= 1, got {backoff}")
        # move_on_after (not fail_after): a TimeoutError raised by poll() itself must not be
        # mistaken for our deadline, and ours must not hide it.
        with anyio.move_on_after(timeout):
            interval = min(poll_interval, max_interval)
            while not self.done:
                await self._sleep(interval)
                await self.refresh()
                interval = min(interval * backoff, max_interval)
            return self.result()
        raise OperationTimeoutError(self.name, math.inf if timeout is None else timeout)

    async def cancel(self) -> None:
        """Ask the server to cancel the operation (best effort: it may still finish).

        Call :meth:`refresh` or :meth:`wait` afterwards to see the outcome; a cancelled
        operation usually fails with ``CANCELLED``. Raises :class:`NotImplementedError` when
        the API has no cancel method for this kind of operation.
        """
        if self._cancel is None:
            raise NotImplementedError(
                f"operation {self.name!r} cannot be cancelled: "
                "the API has no cancel method for this kind of operation"
            )
        await self._cancel()
