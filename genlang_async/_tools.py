"""Automatic function calling: Python callables in ``tools=``, run by the SDK.

:class:`ToolExecutor` runs the function calls of one model turn concurrently and builds one
``functionResponse`` part per call (name and id echoed); it is shared by the request loop
here (:func:`generate_with_tools`, :class:`ToolStream`) and by other features that receive
function calls (live sessions). Declarations come from :mod:`._core.declarations`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import anyio
import attrs

from ._core.coerce import as_contents
from ._core.declarations import FunctionSpec
from ._core.errors import GenlangError
from ._core.json_schema import SchemaValidationError, to_json
from ._structured import parsed_response
from .types import (
    Content,
    FunctionCall,
    FunctionDeclaration,
    FunctionResponse,
    GenerateContentResponse,
    Part,
    Tool,
    UsageMetadata,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._http.streaming import GenerateContentStream
    from ._structured import ParsedResponse

__all__ = [
    "FunctionCallEvent",
    "FunctionResultEvent",
    "TextEvent",
    "ToolExecutor",
    "ToolLoopError",
    "ToolStream",
    "function_declaration",
    "generate_with_tools",
    "with_tools",
]

#: What ``tools=`` accepts: ``Tool`` objects, their wire dicts, and Python callables.
ToolLike: TypeAlias = "Tool | Mapping[str, Any] | Callable[..., Any]"
ToolErrors = Literal["return", "raise"]


def function_declaration(fn: Callable[..., Any]) -> FunctionDeclaration:
    """The ``FunctionDeclaration`` the SDK sends for ``fn``: its name, the docstring's
    summary, and a JSON Schema of its parameters from the signature, type hints and the
    docstring's argument section. ``TypeError`` when ``fn`` cannot be declared."""
    return FunctionDeclaration.from_dict(FunctionSpec.of(fn).declaration)


class ToolLoopError(GenlangError):
    """The model still asked for function calls after ``max_tool_rounds`` rounds.

    Attributes:
        history: every turn the loop exchanged (model turns with calls, and the function
            responses), oldest first.
        response: the last response (its calls were not run).
    """

    def __init__(
        self, message: str, *, history: list[Content], response: GenerateContentResponse
    ) -> None:
        super().__init__(message)
        self.history = history
        self.response = response


def _is_callable_tool(tool: object) -> bool:
    return callable(tool) and not isinstance(tool, (Tool, Mapping, type))


def has_callables(tools: object) -> bool:
    """Whether ``tools`` (the ``tools=`` argument) holds Python callables."""
    return isinstance(tools, Sequence) and any(_is_callable_tool(t) for t in tools)


@attrs.frozen
class ToolOptions:
    """The loop's settings, checked before anything is sent."""

    max_tool_rounds: int = 10
    tool_errors: ToolErrors = "return"
    tool_timeout: float | Mapping[str, float] | None = None

    def __attrs_post_init__(self) -> None:
        rounds = self.max_tool_rounds
        if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
            raise ValueError(f"max_tool_rounds must be an int >= 1, not {rounds!r}")
        if self.tool_errors not in ("return", "raise"):
            raise ValueError(f"tool_errors must be 'return' or 'raise', not {self.tool_errors!r}")
        timeouts = self.tool_timeout
        values = timeouts.values() if isinstance(timeouts, Mapping) else [timeouts]
        for value in values:
            if value is not None and (
                not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0
            ):
                raise ValueError(f"tool_timeout must be seconds > 0, not {value!r}")


class ToolExecutor:
    """Runs function calls against Python callables.

    ``run(calls)`` runs the calls of one turn concurrently (async callables as tasks, sync
    ones in worker threads) and returns one ``functionResponse`` part per call, in call
    order, with the call's name and id. Arguments are converted to the annotated types; an
    argument that does not convert, an unknown function, a tool that raises or runs past its
    timeout is answered with ``{"error": "..."}`` (with ``tool_errors="raise"`` the tool's
    exception, or ``TimeoutError``, propagates instead). Results become JSON: attrs classes,
    dataclasses, pydantic models, dicts, lists and scalars; a result that is not a JSON
    object is sent as ``{"result": value}``.
    """

    def __init__(
        self,
        functions: Sequence[Callable[..., Any]],
        *,
        tool_errors: ToolErrors = "return",
        tool_timeout: float | Mapping[str, float] | None = None,
    ) -> None:
        ToolOptions(tool_errors=tool_errors, tool_timeout=tool_timeout)
        self._functions: dict[str, Callable[..., Any]] = {}
        self._specs: dict[str, FunctionSpec] = {}
        for fn in functions:
            spec = FunctionSpec.of(fn)
            if spec.name in self._specs:
                raise ValueError(f"two tools are named {spec.name!r}")
            self._functions[spec.name] = fn
            self._specs[spec.name] = spec
        self._tool_errors = tool_errors
        self._timeout = tool_timeout

    @property
    def declarations(self) -> list[dict[str, Any]]:
        """The functions' declarations (wire JSON), in the order given."""
        return [spec.declaration for spec in self._specs.values()]

    def can_run(self, calls: Sequence[FunctionCall]) -> bool:
        """Whether every call is to one of these functions."""
        return all(call.name in self._functions for call in calls)

    async def run(
        self,
        calls: Sequence[FunctionCall],
        on_result: Callable[[int, Part], object] | None = None,
    ) -> list[Part]:
        """Run ``calls`` concurrently; return their ``functionResponse`` parts in call order.
        ``on_result(index, part)`` is called as each one finishes."""
        results: dict[int, Part] = {}
        failure: list[BaseException] = []
        cancelled = anyio.get_cancelled_exc_class()

        async def one(index: int, call: FunctionCall) -> None:
            try:
                results[index] = part = await self._respond(call)
            except cancelled:
                raise
            except BaseException as exc:  # tool_errors="raise": stop the others
                if not failure:
                    failure.append(exc)
                    group.cancel_scope.cancel()
                return
            if on_result is not None:
                on_result(index, part)

        async with anyio.create_task_group() as group:
            for index, call in enumerate(calls):
                group.start_soon(one, index, call)
        if failure:
            error = failure.pop()
            try:
                raise error
            finally:
                del error
        return [results[i] for i in range(len(calls))]

    async def _respond(self, call: FunctionCall) -> Part:
        name = call.name
        try:
            response = _as_response(await self._call(name, call.args))
        except _BadCall as exc:
            response = {"error": str(exc)}
        except Exception as exc:
            if self._tool_errors == "raise":
                raise
            response = {"error": f"{type(exc).__name__}: {exc}"}
        return Part(function_response=FunctionResponse(name=name, id=call.id, response=response))

    async def _call(self, name: str, args: dict[str, Any] | None) -> Any:
        fn = self._functions.get(name)
        if fn is None:
            raise _BadCall(f"there is no function named {name!r}")
        try:
            kwargs = self._specs[name].arguments(args)
        except SchemaValidationError as exc:
            raise _BadCall(f"invalid arguments: {exc}") from None
        timeout = self._timeout.get(name) if isinstance(self._timeout, Mapping) else self._timeout
        with anyio.move_on_after(timeout if timeout is not None else math.inf):
            return await _run(fn, kwargs)
        raise TimeoutError(f"{name} did not finish within {timeout} s")


async def _run(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """``fn(**kwargs)``: awaited, or in a worker thread for a sync function."""
    if inspect.iscoroutinefunction(fn):
        return await fn(**kwargs)
    result = await anyio.to_thread.run_sync(functools.partial(fn, **kwargs), abandon_on_cancel=True)
    if inspect.isawaitable(result):  # a sync wrapper around a coroutine function
        return await result
    return result


class _BadCall(Exception):
    """A call the SDK cannot make: reported to the model, never raised."""


def _as_response(result: Any) -> dict[str, Any]:
    value = to_json(result)
    return value if isinstance(value, dict) else {"result": value}


def split_tools(
    tools: Sequence[ToolLike], options: ToolOptions
) -> tuple[list[Tool | Mapping[str, Any]], ToolExecutor]:
    """The wire tools for ``tools`` (the callables' declarations in one more ``Tool``), and
    the executor of the callables."""
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Sequence):
        raise TypeError(f"tools must be a list, not {type(tools).__name__}")
    functions: list[Callable[..., Any]] = [t for t in tools if _is_callable_tool(t)]  # type: ignore[misc]
    executor = ToolExecutor(
        functions, tool_errors=options.tool_errors, tool_timeout=options.tool_timeout
    )
    wire: list[Tool | Mapping[str, Any]] = [t for t in tools if not _is_callable_tool(t)]  # type: ignore[misc]
    wire.append({"functionDeclarations": executor.declarations})
    return wire, executor


def with_tools(
    call: Callable[..., Any],
    arguments: Mapping[str, Any],
    *,
    stream: bool,
    automatic_function_calling: bool,
    max_tool_rounds: int,
    tool_errors: ToolErrors,
    tool_timeout: float | Mapping[str, float] | None,
) -> tuple[Callable[..., Any], dict[str, Any]]:
    """``call`` (a generated ``generate_content`` or ``stream_generate_content``) and its
    ``arguments``, with the Python callables in ``arguments["tools"]`` (if any) declared and,
    unless ``automatic_function_calling`` is false, run by the loop
    (:func:`generate_with_tools`, or a :class:`ToolStream` when ``stream``)."""
    if not has_callables(arguments.get("tools")):
        return call, dict(arguments)
    options = ToolOptions(max_tool_rounds, tool_errors, tool_timeout)
    tools, executor = split_tools(arguments["tools"], options)
    wire = {**arguments, "tools": tools}
    if not automatic_function_calling:
        return call, wire

    def looped(model: str, *, contents: Any, **rest: Any) -> Any:
        turns = as_contents(contents, "contents")

        def one_round(history: list[Content]) -> Any:
            return call(model, contents=history, **rest)

        if stream:
            return ToolStream(one_round, turns, executor, options.max_tool_rounds)
        return generate_with_tools(one_round, turns, executor, options.max_tool_rounds)

    return looped, wire


def _model_turn(response: GenerateContentResponse) -> Content:
    """The first candidate's content, as received (role ``model`` when it has none)."""
    assert response.candidates
    content = response.candidates[0].content
    assert content is not None
    if content.role is None:
        content = attrs.evolve(content, role="model")
    return content


def sum_usage(usages: Sequence[UsageMetadata | None]) -> UsageMetadata | None:
    """The usage of several rounds added up (token counts summed; per-modality details
    summed by modality)."""
    present = [u.to_dict() for u in usages if u is not None]
    if not present:
        return None
    total: dict[str, Any] = {}
    for usage in present:
        for key, value in usage.items():
            if isinstance(value, int) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
            elif isinstance(value, list):
                by_modality = {d.get("modality"): d for d in total.get(key, [])}
                for detail in value:
                    kept = by_modality.setdefault(
                        detail.get("modality"), {**detail, "tokenCount": 0}
                    )
                    kept["tokenCount"] = kept.get("tokenCount", 0) + detail.get("tokenCount", 0)
                total[key] = list(by_modality.values())
            else:
                total[key] = value
    return UsageMetadata.from_dict(total)


def _finished(
    response: GenerateContentResponse,
    history: list[Content],
    usages: list[UsageMetadata | None],
) -> ParsedResponse[None]:
    result = parsed_response(response, None)
    result.tool_history = history
    if len(usages) > 1:
        result.usage_metadata = sum_usage(usages)
    return result


async def generate_with_tools(
    generate: Callable[[list[Content]], Awaitable[GenerateContentResponse]],
    contents: list[Content],
    executor: ToolExecutor,
    max_tool_rounds: int,
) -> ParsedResponse[None]:
    """``generate(turns)`` until the model answers without calls to ``executor``'s functions;
    the calls of each round run concurrently and their responses go back with the model's
    turn as received. The result has ``tool_history`` and the usage of all rounds."""
    history: list[Content] = []
    usages: list[UsageMetadata | None] = []
    while True:
        response = await generate([*contents, *history])
        usages.append(response.usage_metadata)
        calls = response.function_calls
        if not calls or not executor.can_run(calls):
            return _finished(response, history, usages)
        if len(history) // 2 >= max_tool_rounds:
            raise _round_limit(max_tool_rounds, history, response)
        turn = _model_turn(response)
        parts = await executor.run(calls)
        history += [turn, Content(parts=parts, role="user")]


def _round_limit(
    limit: int, history: list[Content], response: GenerateContentResponse
) -> ToolLoopError:
    return ToolLoopError(
        f"the model still asked for function calls after max_tool_rounds={limit} rounds",
        history=history,
        response=response,
    )


# -- streaming ----------------------------------------------------------------------------


@attrs.frozen
class TextEvent:
    """Text of the model's answer, as it streams (any round)."""

    text: str


@attrs.frozen
class FunctionCallEvent:
    """The model asked for a call; it is about to run."""

    call: FunctionCall


@attrs.frozen
class FunctionResultEvent:
    """A call finished: its ``functionResponse`` (``{"error": ...}`` when it failed)."""

    call: FunctionCall
    response: dict[str, Any]


StreamEvent: TypeAlias = "TextEvent | FunctionCallEvent | FunctionResultEvent"
_Item: TypeAlias = "GenerateContentResponse | FunctionCallEvent | FunctionResultEvent"


class ToolStream:
    """A streamed answer with automatic function calling: the chunks of every round.

    Iterate it for the chunks (of all rounds, in order), ``text_stream`` for their text, or
    :meth:`events` for text, function-call and function-result events as they happen;
    ``await get_final_response()`` gives the last round's merged response with
    ``tool_history`` and the usage of all rounds. Each round's connection is released before
    its tools run; leaving the ``async with`` block (or cancelling) also cancels running
    tools. Read it one way only.
    """

    def __init__(
        self,
        open_round: Callable[[list[Content]], GenerateContentStream[Any]],
        contents: list[Content],
        executor: ToolExecutor,
        max_tool_rounds: int,
    ) -> None:
        self._open_round = open_round
        self._contents = contents
        self._executor = executor
        self._max_rounds = max_tool_rounds
        self._round: GenerateContentStream[Any] | None = None
        self._items: deque[_Item] = deque()
        self._tools: asyncio.Task[list[Part]] | None = None
        self._results: asyncio.Queue[tuple[int, Part] | None] = asyncio.Queue()
        self._calls: list[FunctionCall] = []
        self._received = 0
        self._turn: Content | None = None
        self._history: list[Content] = []
        self._usages: list[UsageMetadata | None] = []
        self._final: ParsedResponse[None] | None = None
        self._callbacks: list[Callable[[dict[str, Any]], None]] = []

    @property
    def tool_history(self) -> list[Content]:
        """The turns the loop exchanged so far (model turns with calls, function responses)."""
        return list(self._history)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the connection and cancel running tools."""
        self._final = self._final or _CLOSED
        tools, self._tools = self._tools, None
        if tools is not None:
            tools.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.gather(tools, return_exceptions=True)
        stream, self._round = self._round, None
        if stream is not None:
            await stream.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> GenerateContentResponse:
        while True:
            item = await self._next_item()
            if isinstance(item, GenerateContentResponse):
                return item

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The text of every round as it arrives."""
        return _Texts(self)

    def events(self) -> AsyncIterator[StreamEvent]:
        """:class:`TextEvent`, :class:`FunctionCallEvent` and :class:`FunctionResultEvent`
        in the order they happen."""
        return _Events(self)

    async def get_final_response(self) -> ParsedResponse[None]:
        """Read the rest (running any tools) and return the last round's merged response."""
        while self._final is None:
            await self._next_item_or_end()
        if self._final is _CLOSED:
            raise RuntimeError("the stream was closed before its end")
        return self._final

    def _add_done_callback(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call ``callback(final merged wire response)`` when the loop has ended normally."""
        self._callbacks.append(callback)

    # -- the loop -------------------------------------------------------------------------

    async def _next_item_or_end(self) -> None:
        with contextlib.suppress(StopAsyncIteration):
            await self._next_item()

    async def _next_item(self) -> _Item:
        try:
            return await self._step()
        except StopAsyncIteration:
            raise
        except BaseException:
            await self.aclose()
            raise

    async def _step(self) -> _Item:
        while True:
            if self._items:
                return self._items.popleft()
            if self._final is not None:
                raise StopAsyncIteration
            if self._tools is not None:
                return await self._next_result()
            if self._round is None:
                self._round = self._open_round([*self._contents, *self._history])
            try:
                chunk: GenerateContentResponse = await self._round.__anext__()
            except StopAsyncIteration:
                await self._end_round()
                continue
            return chunk

    async def _end_round(self) -> None:
        stream = self._round
        assert stream is not None
        merged: GenerateContentResponse = await stream.get_final_response()
        self._round = None
        await stream.aclose()  # released before any tool runs
        self._usages.append(merged.usage_metadata)
        calls = merged.function_calls
        if not calls or not self._executor.can_run(calls):
            self._final = _finished(merged, self._history, self._usages)
            wire = self._final.to_dict()
            for callback in self._callbacks:
                callback(wire)
            return
        if len(self._history) // 2 >= self._max_rounds:
            raise _round_limit(self._max_rounds, self._history, merged)
        self._turn = _model_turn(merged)
        self._calls = list(calls)
        self._received = 0
        self._items.extend(FunctionCallEvent(call) for call in calls)
        results = self._results = asyncio.Queue()  # a queue per round
        self._tools = asyncio.ensure_future(
            self._executor.run(calls, lambda i, part: results.put_nowait((i, part)))
        )
        self._tools.add_done_callback(lambda _task: results.put_nowait(None))

    async def _next_result(self) -> FunctionResultEvent:
        tools = self._tools
        assert tools is not None
        item = await self._results.get()
        if item is None:  # the tools ended before every result came: one raised
            tools.result()
            raise AssertionError("the tools ended without their results")
        index, part = item
        self._received += 1
        if self._received == len(self._calls):
            parts = await tools
            self._tools = None
            assert self._turn is not None
            self._history += [self._turn, Content(parts=parts, role="user")]
        response = part.function_response
        assert response is not None
        return FunctionResultEvent(self._calls[index], dict(response.response or {}))


_CLOSED: Any = object()


class _Texts(AsyncIterator[str]):
    __slots__ = ("_stream",)

    def __init__(self, stream: ToolStream) -> None:
        self._stream = stream

    async def __anext__(self) -> str:
        while True:
            item = await self._stream._next_item()
            if isinstance(item, GenerateContentResponse) and item.text:
                return item.text


class _Events(AsyncIterator[StreamEvent]):
    __slots__ = ("_stream",)

    def __init__(self, stream: ToolStream) -> None:
        self._stream = stream

    async def __anext__(self) -> StreamEvent:
        while True:
            item = await self._stream._next_item()
            if not isinstance(item, GenerateContentResponse):
                return item
            if item.text:
                return TextEvent(item.text)
