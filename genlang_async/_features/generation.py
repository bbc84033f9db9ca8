"""The ``client.models`` mixin for generation: ``response_schema=`` (structured output) and
Python callables in ``tools=`` (automatic function calling) on ``generate_content`` and
``stream_generate_content``.

Thin: the behaviour lives in :mod:`genlang_async._structured` and
:mod:`genlang_async._tools`; a call without the new arguments goes straight to the
generated method (see CONTRIBUTING.md, "Adding or overriding a namespace method").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, overload

from genlang_async._structured import generate_structured, stream_structured
from genlang_async._tools import with_tools

from ..resources import models as generated

if TYPE_CHECKING:
    from typing_extensions import Required, Unpack

    from genlang_async._core.coerce import ContentLike, ContentsLike
    from genlang_async._core.options import TimeoutLike
    from genlang_async._http.streaming import GenerateContentStream
    from genlang_async._structured import ParsedResponse, StructuredStream
    from genlang_async._tools import ToolErrors, ToolLike, ToolStream
    from genlang_async.types import (
        GenerateContentResponse,
        GenerationConfig,
        SafetySetting,
        ToolConfig,
    )

__all__ = ["CallArguments", "GenerateArguments", "GenerationModels"]

T = TypeVar("T")


def with_arguments_of(doc: str | None, method: Any) -> str:
    """``doc`` followed by the ``Args:`` section of ``method``'s docstring (the generated
    method whose keyword arguments an override passes on) and :data:`_OWN_ARGUMENTS`, for
    ``help()``."""
    source = method.__doc__ or ""
    start = source.find("Args:")
    if start < 0:
        return doc or ""
    own = "".join(f"\n            {name}: {text}" for name, text in _OWN_ARGUMENTS.items())
    return (doc or "").rstrip() + "\n\n        " + source[start:].rstrip() + own


#: The arguments the mixin adds to the generated methods, as ``help()`` lists them.
_OWN_ARGUMENTS = {
    "response_schema": "a Python type or a JSON Schema dict the answer must fit.",
    "repair_attempts": "re-asks when the answer does not fit (not on streams).",
    "automatic_function_calling": "run the Python callables in tools (default True).",
    "max_tool_rounds": "rounds of tool calls before ToolLoopError (default 10).",
    "tool_errors": '"return" (default) reports a raising tool to the model; "raise" raises.',
    "tool_timeout": "seconds per tool call, or a dict by function name.",
}


# The mixin is typed as the generated class it goes before (its ``super()``).
if TYPE_CHECKING:
    _Base = generated.Models
else:
    _Base = object


class GenerateArguments(TypedDict, total=False):
    """The wire keyword arguments of ``generate_content`` / ``stream_generate_content`` (see
    ``genlang_async.resources.models.Models``)."""

    contents: Required[ContentsLike]
    system_instruction: ContentLike | None
    tools: Sequence[ToolLike] | None
    tool_config: ToolConfig | Mapping[str, Any] | None
    safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None
    generation_config: GenerationConfig | Mapping[str, Any] | None
    cached_content: str | None
    timeout: TimeoutLike | None
    max_retries: int | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None


class CallArguments(GenerateArguments, total=False):
    """:class:`GenerateArguments` plus the automatic function calling options."""

    automatic_function_calling: bool
    max_tool_rounds: int
    tool_errors: ToolErrors
    tool_timeout: float | Mapping[str, float] | None


class GenerationModels(_Base):
    """``generate_content`` and ``stream_generate_content`` with ``response_schema=`` and
    Python callables in ``tools=``."""

    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: type[T],
        repair_attempts: int = 0,
        **arguments: Unpack[CallArguments],
    ) -> ParsedResponse[T]: ...
    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: Mapping[str, Any],
        repair_attempts: int = 0,
        **arguments: Unpack[CallArguments],
    ) -> ParsedResponse[Any]: ...
    @overload
    async def generate_content(
        self, model: str, *, response_schema: None = None, **arguments: Unpack[CallArguments]
    ) -> GenerateContentResponse: ...
    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: object,
        repair_attempts: int = 0,
        **arguments: Unpack[CallArguments],
    ) -> ParsedResponse[Any]: ...

    async def generate_content(
        self,
        model: str,
        *,
        response_schema: Any = None,
        repair_attempts: int = 0,
        automatic_function_calling: bool = True,
        max_tool_rounds: int = 10,
        tool_errors: ToolErrors = "return",
        tool_timeout: float | Mapping[str, float] | None = None,
        **arguments: Unpack[GenerateArguments],
    ) -> GenerateContentResponse:
        """Generate a response to ``contents`` (``POST .../{model}:generateContent``).

        With ``response_schema`` (a Python type, or a JSON Schema dict) the answer is JSON
        in that shape and comes back as a :class:`~genlang_async.ParsedResponse` whose
        ``parsed`` is an instance of the type (plain JSON for a dict); text that is not JSON
        or does not fit raises :class:`~genlang_async.StructuredOutputError`, after
        ``repair_attempts`` further requests showing the model its errors. See
        ``docs/structured-output.md``.

        Python callables in ``tools`` (mixed with ``Tool`` objects and dicts) are declared
        from their signatures and docstrings and, unless ``automatic_function_calling`` is
        false, run when the model calls them, until it answers without calls (at most
        ``max_tool_rounds`` rounds, then :class:`~genlang_async.ToolLoopError`). A tool that
        raises is reported to the model (``tool_errors="return"``) or raises here
        (``"raise"``); ``tool_timeout`` bounds each call (seconds, or per function name).
        The response's ``tool_history`` has the turns exchanged. See
        ``docs/function-calling.md``. The other arguments are those of the generated method.
        """
        if response_schema is None and repair_attempts:
            raise ValueError("repair_attempts needs response_schema")
        generate, wire = with_tools(
            super().generate_content,
            arguments,
            stream=False,
            automatic_function_calling=automatic_function_calling,
            max_tool_rounds=max_tool_rounds,
            tool_errors=tool_errors,
            tool_timeout=tool_timeout,
        )
        if response_schema is None:
            response: GenerateContentResponse = await generate(model, **wire)
            return response
        return await generate_structured(generate, model, response_schema, repair_attempts, wire)

    @overload  # type: ignore[override]  # may be a ToolStream, not a GenerateContentStream
    def stream_generate_content(
        self, model: str, *, response_schema: type[T], **arguments: Unpack[CallArguments]
    ) -> StructuredStream[T]: ...
    @overload
    def stream_generate_content(
        self,
        model: str,
        *,
        response_schema: Mapping[str, Any],
        **arguments: Unpack[CallArguments],
    ) -> StructuredStream[Any]: ...
    @overload
    def stream_generate_content(
        self, model: str, *, response_schema: None = None, **arguments: Unpack[CallArguments]
    ) -> GenerateContentStream[GenerateContentResponse] | ToolStream: ...
    @overload
    def stream_generate_content(
        self, model: str, *, response_schema: object, **arguments: Unpack[CallArguments]
    ) -> StructuredStream[Any]: ...

    def stream_generate_content(
        self,
        model: str,
        *,
        response_schema: Any = None,
        automatic_function_calling: bool = True,
        max_tool_rounds: int = 10,
        tool_errors: ToolErrors = "return",
        tool_timeout: float | Mapping[str, float] | None = None,
        **arguments: Unpack[GenerateArguments],
    ) -> GenerateContentStream[GenerateContentResponse] | ToolStream | StructuredStream[Any]:
        """Stream a response to ``contents``: an async iterator of chunks (use
        ``async with``).

        With ``response_schema`` it is a :class:`~genlang_async.StructuredStream`: the same
        chunks, plus ``partial_objects`` (the answer parsed so far) and a final response with
        ``parsed``. With Python callables in ``tools`` it is a
        :class:`~genlang_async.ToolStream`: the chunks of every round, and ``events()`` with
        the calls and their results as they happen. See ``docs/structured-output.md`` and
        ``docs/function-calling.md``.
        """
        open_stream, wire = with_tools(
            super().stream_generate_content,
            arguments,
            stream=True,
            automatic_function_calling=automatic_function_calling,
            max_tool_rounds=max_tool_rounds,
            tool_errors=tool_errors,
            tool_timeout=tool_timeout,
        )
        if response_schema is None:
            stream: GenerateContentStream[GenerateContentResponse] | ToolStream
            stream = open_stream(model, **wire)
            return stream
        return stream_structured(open_stream, model, response_schema, wire)

    generate_content.__doc__ = with_arguments_of(
        generate_content.__doc__, generated.Models.generate_content
    )
    stream_generate_content.__doc__ = with_arguments_of(
        stream_generate_content.__doc__, generated.Models.stream_generate_content
    )
