"""Multi-turn chats with the conversation kept on the client side.

    chat = client.chats.create("gemini-2.5-flash", system_instruction="Be brief.")
    reply = await chat.send_message("Hi")                 # history: user, model
    async for chunk in chat.send_message_stream("And?"):  # history grows when it completes
        print(chunk.text, end="")

Every call sends the whole history plus the new message to ``generateContent`` (the API is
stateless). With ``response_schema=`` (on ``create`` for every message, or per message) each
reply has ``parsed`` (see ``docs/structured-output.md``); the history holds the JSON text.
A turn is added to the history only when it succeeded: a failed call, or a
stream that is broken off, cancelled or fails, leaves the history as it was, so the message
can simply be sent again.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, overload

from ._core.coerce import (
    ContentLike,
    as_content,
    as_contents,
    as_model,
    as_model_list,
)
from ._core.names import resolve_name
from ._structured import OutputSchema
from ._tools import has_callables
from .types import (
    Content,
    GenerateContentResponse,
    GenerationConfig,
    Part,
    SafetySetting,
    Tool,
    ToolConfig,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._core.options import TimeoutLike
    from ._features.models import Models
    from ._http.streaming import GenerateContentStream
    from ._structured import ParsedResponse, StructuredStream
    from ._tools import ToolErrors, ToolLike, ToolStream

__all__ = ["Chat", "Chats", "MessageLike"]

#: What ``send_message`` accepts: text, one part, a list of parts, or a whole ``Content``.
MessageLike = str | Part | Content | Mapping[str, Any] | Sequence[str | Part]


class _ChatDefault:
    """The default of a per-message setting: the chat's own (shown as such by ``help()``)."""

    def __repr__(self) -> str:
        return "<the chat's setting>"


_UNSET: Any = _ChatDefault()
_SETTINGS = ("system_instruction", "generation_config", "tools", "safety_settings", "tool_config")

T = TypeVar("T")
S = TypeVar("S")


class MessageArguments(TypedDict, total=False):
    """The keyword arguments of ``send_message`` / ``send_message_stream`` besides
    ``response_schema`` and ``repair_attempts``."""

    system_instruction: ContentLike | None
    generation_config: GenerationConfig | Mapping[str, Any] | None
    tools: Sequence[ToolLike] | None
    safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None
    tool_config: ToolConfig | Mapping[str, Any] | None
    automatic_function_calling: bool
    max_tool_rounds: int
    tool_errors: ToolErrors
    tool_timeout: float | Mapping[str, float] | None
    timeout: TimeoutLike | None
    max_retries: int | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None


class CreateArguments(TypedDict, total=False):
    """The keyword arguments of ``chats.create`` besides ``response_schema``."""

    history: Sequence[Content | Mapping[str, Any]] | None
    system_instruction: ContentLike | None
    generation_config: GenerationConfig | Mapping[str, Any] | None
    tools: Sequence[ToolLike] | None
    safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None
    tool_config: ToolConfig | Mapping[str, Any] | None


class Chats:
    """``client.chats``: makes :class:`Chat` objects."""

    def __init__(self, models: Models) -> None:
        self._models = models

    def __repr__(self) -> str:
        return "<Chats namespace>"

    if TYPE_CHECKING:

        @overload
        def create(
            self, model: str, *, response_schema: type[T], **arguments: Unpack[CreateArguments]
        ) -> Chat[T]: ...
        @overload
        def create(
            self, model: str, *, response_schema: None = None, **arguments: Unpack[CreateArguments]
        ) -> Chat[None]: ...
        @overload
        def create(
            self, model: str, *, response_schema: object, **arguments: Unpack[CreateArguments]
        ) -> Chat[Any]: ...

    def create(
        self,
        model: str,
        *,
        history: Sequence[Content | Mapping[str, Any]] | None = None,
        system_instruction: ContentLike | None = None,
        generation_config: GenerationConfig | Mapping[str, Any] | None = None,
        tools: Sequence[ToolLike] | None = None,
        safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None = None,
        tool_config: ToolConfig | Mapping[str, Any] | None = None,
        response_schema: Any = None,
    ) -> Chat[Any]:
        """Start a chat with ``model`` (``"gemini-2.5-flash"``, ``models/...`` or
        ``tunedModels/...``), optionally continuing ``history`` (``Content`` turns or their
        wire dicts). The other arguments are the defaults of every message; each
        ``send_message`` call may override them (``response_schema``: every reply has
        ``parsed``). Nothing is sent here."""
        return Chat(
            self._models,
            model,
            history=history,
            system_instruction=system_instruction,
            generation_config=generation_config,
            tools=tools,
            safety_settings=safety_settings,
            tool_config=tool_config,
            response_schema=response_schema,
        )


class Chat(Generic[T]):
    """One conversation: the model, its settings and the turns so far. ``T`` is the type
    replies are parsed into (``None``: plain replies)."""

    def __init__(
        self,
        models: Models,
        model: str,
        *,
        history: Sequence[Content | Mapping[str, Any]] | None = None,
        system_instruction: ContentLike | None = None,
        generation_config: GenerationConfig | Mapping[str, Any] | None = None,
        tools: Sequence[ToolLike] | None = None,
        safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None = None,
        tool_config: ToolConfig | Mapping[str, Any] | None = None,
        response_schema: Any = None,
    ) -> None:
        self._models = models
        self.model: str = resolve_name(model, "models/*", "tunedModels/*", argument="model")
        """The full model name."""
        self._history: list[Content] = _history(history)
        self._config: dict[str, Any] = _settings(
            system_instruction, generation_config, tools, safety_settings, tool_config
        )
        if response_schema is not None:
            OutputSchema.of(response_schema)  # a bad type fails here, not at the first message
        self._response_schema = response_schema

    def __repr__(self) -> str:
        return f"<Chat model={self.model!r} turns={len(self._history)}>"

    @property
    def history(self) -> list[Content]:
        """The turns so far, oldest first (a new list on each access: changing it does not
        change the chat; the ``Content`` objects themselves are shared)."""
        return list(self._history)

    if TYPE_CHECKING:

        @overload
        async def send_message(
            self,
            message: MessageLike,
            *,
            response_schema: type[S],
            repair_attempts: int = 0,
            **arguments: Unpack[MessageArguments],
        ) -> ParsedResponse[S]: ...
        @overload
        async def send_message(
            self: Chat[None], message: MessageLike, **arguments: Unpack[MessageArguments]
        ) -> GenerateContentResponse: ...
        @overload
        async def send_message(
            self,
            message: MessageLike,
            *,
            repair_attempts: int = 0,
            **arguments: Unpack[MessageArguments],
        ) -> ParsedResponse[T]: ...
        @overload
        async def send_message(
            self,
            message: MessageLike,
            *,
            response_schema: object,
            repair_attempts: int = 0,
            **arguments: Unpack[MessageArguments],
        ) -> ParsedResponse[Any]: ...

    async def send_message(
        self,
        message: MessageLike,
        *,
        system_instruction: ContentLike | None = _UNSET,
        generation_config: GenerationConfig | Mapping[str, Any] | None = _UNSET,
        tools: Sequence[ToolLike] | None = _UNSET,
        safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None = _UNSET,
        tool_config: ToolConfig | Mapping[str, Any] | None = _UNSET,
        response_schema: Any = _UNSET,
        repair_attempts: int = 0,
        automatic_function_calling: bool = True,
        max_tool_rounds: int = 10,
        tool_errors: ToolErrors = "return",
        tool_timeout: float | Mapping[str, float] | None = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> GenerateContentResponse:
        """Send ``message`` (text, a ``Part``, a list of parts or a ``Content``) with the
        history; return the response.

        On success the message and the reply (the first candidate's content) join the
        history; a reply without content (a blocked prompt) adds nothing. The keyword
        settings override the chat's for this call (``None`` removes one). With a
        ``response_schema`` (the chat's or this call's) the reply has ``parsed``, and a reply
        that does not fit raises :class:`~genlang_async.StructuredOutputError` (after
        ``repair_attempts`` re-asks, which do not join the history) and adds nothing.
        """
        turn = _user_turn(message)
        settings = self._merged(
            system_instruction, generation_config, tools, safety_settings, tool_config
        )
        schema = self._response_schema if response_schema is _UNSET else response_schema
        response = await self._models.generate_content(
            self.model,
            contents=[*self._history, turn],
            **settings,
            response_schema=schema,
            repair_attempts=repair_attempts,
            automatic_function_calling=automatic_function_calling,
            max_tool_rounds=max_tool_rounds,
            tool_errors=tool_errors,
            tool_timeout=tool_timeout,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
        self._record(turn, response)
        return response

    if TYPE_CHECKING:

        @overload
        def send_message_stream(
            self,
            message: MessageLike,
            *,
            response_schema: type[S],
            **arguments: Unpack[MessageArguments],
        ) -> StructuredStream[S]: ...
        @overload
        def send_message_stream(
            self: Chat[None], message: MessageLike, **arguments: Unpack[MessageArguments]
        ) -> GenerateContentStream[GenerateContentResponse] | ToolStream: ...
        @overload
        def send_message_stream(
            self, message: MessageLike, **arguments: Unpack[MessageArguments]
        ) -> StructuredStream[T]: ...
        @overload
        def send_message_stream(
            self,
            message: MessageLike,
            *,
            response_schema: object,
            **arguments: Unpack[MessageArguments],
        ) -> StructuredStream[Any]: ...

    def send_message_stream(
        self,
        message: MessageLike,
        *,
        system_instruction: ContentLike | None = _UNSET,
        generation_config: GenerationConfig | Mapping[str, Any] | None = _UNSET,
        tools: Sequence[ToolLike] | None = _UNSET,
        safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None = _UNSET,
        tool_config: ToolConfig | Mapping[str, Any] | None = _UNSET,
        response_schema: Any = _UNSET,
        automatic_function_calling: bool = True,
        max_tool_rounds: int = 10,
        tool_errors: ToolErrors = "return",
        tool_timeout: float | Mapping[str, float] | None = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> GenerateContentStream[GenerateContentResponse] | ToolStream | StructuredStream[Any]:
        """Like :meth:`send_message`, streamed: returns the chunk stream at once (a
        :class:`~genlang_async.StructuredStream` with a ``response_schema``).

        The message and the whole streamed reply (chunks merged) join the history when the
        stream has been read to its end; a stream left early, cancelled or failed adds
        nothing.
        """
        turn = _user_turn(message)
        settings = self._merged(
            system_instruction, generation_config, tools, safety_settings, tool_config
        )
        stream: GenerateContentStream[GenerateContentResponse] | ToolStream | StructuredStream[Any]
        stream = self._models.stream_generate_content(
            self.model,
            contents=[*self._history, turn],
            **settings,
            response_schema=self._response_schema if response_schema is _UNSET else response_schema,
            automatic_function_calling=automatic_function_calling,
            max_tool_rounds=max_tool_rounds,
            tool_errors=tool_errors,
            tool_timeout=tool_timeout,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )

        source = weakref.ref(stream)  # no cycle: a stream dropped early must be collected

        def completed(merged: dict[str, Any]) -> None:
            loop_turns = getattr(source(), "tool_history", [])
            self._record(turn, GenerateContentResponse.from_dict(merged), loop_turns)

        stream._add_done_callback(completed)
        return stream

    # -- internals ------------------------------------------------------------------------

    def _merged(self, *overrides: Any) -> dict[str, Any]:
        given = _settings(*(None if value is _UNSET else value for value in overrides))
        merged = dict(self._config)
        for name, value in zip(_SETTINGS, overrides, strict=True):
            if value is not _UNSET:
                merged[name] = given[name]
        return merged

    def _record(
        self,
        turn: Content,
        response: GenerateContentResponse,
        loop_turns: Sequence[Content] | None = None,
    ) -> None:
        candidates = response.candidates or []
        content = candidates[0].content if candidates else None
        if content is None or not content.parts:
            return
        if content.role is None:
            content = Content(parts=content.parts, role="model", extra=content.extra)
        if loop_turns is None:
            loop_turns = response.tool_history
        self._history += [turn, *loop_turns, content]


def _user_turn(message: object) -> Content:
    turn = as_content(message, "message", role="user")
    if turn is None:
        raise TypeError("message must be a str, Part, Content, dict or a list of parts, not None")
    if not turn.parts:
        raise ValueError("message must not be empty")
    if turn.role is None:
        turn = Content(parts=turn.parts, role="user", extra=turn.extra)
    return turn


def _history(history: object) -> list[Content]:
    if history is None:
        return []
    if isinstance(history, (str, bytes, Mapping, Content)) or not isinstance(history, Sequence):
        raise TypeError(
            f"history must be a list of Content (or dicts), not {type(history).__name__}"
        )
    if not history:
        return []
    for index, item in enumerate(history):
        if not isinstance(item, (Content, Mapping)):
            raise TypeError(
                f"history[{index}] must be a Content or a dict, not {type(item).__name__}"
            )
    return as_contents(history, "history")


def _settings(
    system_instruction: Any,
    generation_config: Any,
    tools: Any,
    safety_settings: Any,
    tool_config: Any,
) -> dict[str, Any]:
    """The per-message settings, checked and converted once (errors before any request)."""
    return {
        "system_instruction": as_content(system_instruction, "system_instruction"),
        "generation_config": as_model(generation_config, GenerationConfig, "generation_config"),
        "tools": list(tools) if has_callables(tools) else as_model_list(tools, Tool, "tools"),
        "safety_settings": as_model_list(safety_settings, SafetySetting, "safety_settings"),
        "tool_config": as_model(tool_config, ToolConfig, "tool_config"),
    }
