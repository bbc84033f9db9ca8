"""Python callables as tools of a Live session: the model's calls to them are run by the
automatic function calling executor and answered; a call the server cancels is cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from .._tools import ToolExecutor
from ..types import BidiGenerateContentServerMessage, FunctionCall, FunctionResponse

if TYPE_CHECKING:
    from ._session import LiveSession

__all__ = ["LiveTools"]


class LiveTools:
    """Runs each ``toolCall`` whose functions are all ours (its calls concurrently) and
    answers it with one ``toolResponse``; calls named by ``toolCallCancellation`` are
    cancelled and left unanswered. Other ``toolCall``s are left to the application."""

    def __init__(self, executor: ToolExecutor) -> None:
        self._executor = executor
        self._running: dict[str, anyio.CancelScope] = {}
        self._answering: set[anyio.CancelScope] = set()

    def note(self, session: LiveSession, message: BidiGenerateContentServerMessage) -> None:
        """React to a ``toolCall`` or ``toolCallCancellation`` from the server."""
        cancellation = message.tool_call_cancellation
        for call_id in (cancellation.ids or []) if cancellation is not None else []:
            scope = self._running.pop(call_id, None)
            if scope is not None:
                scope.cancel()
        calls = message.tool_call.function_calls if message.tool_call is not None else None
        if calls and self._executor.can_run(calls):
            assert session._task_group is not None
            session._task_group.start_soon(self._answer, session, list(calls))

    def cancel_all(self) -> None:
        """Stop every running call (the session is closing)."""
        for scope in self._answering:
            scope.cancel()

    async def _answer(self, session: LiveSession, calls: list[FunctionCall]) -> None:
        answers: dict[int, FunctionResponse] = {}

        async def one(index: int, call: FunctionCall, scope: anyio.CancelScope) -> None:
            with scope:
                [part] = await self._executor.run([call])
                assert part.function_response is not None
                answers[index] = part.function_response
            if call.id:
                self._running.pop(call.id, None)

        answering = anyio.CancelScope()
        self._answering.add(answering)
        try:
            with answering:
                async with anyio.create_task_group() as group:
                    for index, call in enumerate(calls):
                        scope = anyio.CancelScope()
                        if call.id:
                            self._running[call.id] = scope
                        group.start_soon(one, index, call, scope)
                if answers:
                    await session.send_tool_response([answers[i] for i in sorted(answers)])
        except Exception as exc:
            if not session.closed:
                session._fail(exc)
        finally:
            self._answering.discard(answering)
