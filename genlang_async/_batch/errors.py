"""What batch jobs raise (or, for a single request, return in place of its response)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._core.errors import GenlangError
from .._operations import status_fields

__all__ = ["BatchJobError", "BatchOutputError", "BatchRequestError", "BatchTimeoutError"]


class BatchJobError(GenlangError):
    """The job ended without success: ``BATCH_STATE_FAILED``, ``_CANCELLED`` or ``_EXPIRED``.

    ``state`` is the final state; ``error`` the operation's ``google.rpc.Status`` wire dict,
    when the server gave one.
    """

    def __init__(self, job_name: str, state: str, error: Mapping[str, Any] | None) -> None:
        self.job_name = job_name
        self.state = state
        self.error = dict(error) if error is not None else None
        text = f"batch {job_name!r} ended {state}"
        message = str((error or {}).get("message") or "")
        super().__init__(f"{text}: {message}" if message else text)


class BatchTimeoutError(GenlangError, TimeoutError):
    """:meth:`BatchJob.wait` gave up after ``timeout`` seconds. The job itself goes on:
    wait again (or attach to it later), or cancel it."""

    def __init__(self, job_name: str, timeout: float, state: str) -> None:
        self.job_name = job_name
        self.timeout = timeout
        self.state = state
        super().__init__(f"batch {job_name!r} not finished after {timeout:g} s (state: {state})")


class BatchRequestError(GenlangError):
    """One request of a batch failed. :meth:`BatchJob.results` yields it (it is not raised)
    in place of that request's response, with the request's ``key``."""

    key: str
    """The key the request was submitted with."""
    code: int
    """Numeric ``google.rpc.Code`` (e.g. 3)."""
    status: str
    """Name of the code (e.g. ``"INVALID_ARGUMENT"``)."""
    message: str
    """The server's error message."""
    details: list[dict[str, Any]]
    """``google.rpc.Status.details``: wire dicts, each with an ``@type`` key."""

    def __init__(self, key: str, error: Mapping[str, Any]) -> None:
        self.key = key
        self.code, self.status, self.message, self.details = status_fields(error)
        text = f"request {key!r} failed: {self.status} ({self.code})"
        super().__init__(f"{text}: {self.message}" if self.message else text)


class BatchOutputError(GenlangError):
    """The job's output could not be read: a line that is not a result, a result without
    its key, or a job that succeeded without output."""
