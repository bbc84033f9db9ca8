"""``client.models``: the generated methods, with ``response_schema=`` (structured output)
on ``generate_content`` and ``stream_generate_content``.

Thin: the behaviour lives in :mod:`genlang_async._structured`; a call without the new
arguments goes straight to the generated method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, overload

from genlang_async._structured import generate_structured, stream_structured

from ..resources import models as generated

if TYPE_CHECKING:
    from typing_extensions import Required, Unpack

    from genlang_async._core.coerce import ContentLike, ContentsLike
    from genlang_async._core.options import TimeoutLike
    from genlang_async._http.streaming import GenerateContentStream
    from genlang_async._structured import ParsedResponse, StructuredStream
    from genlang_async.types import (
        GenerateContentResponse,
        GenerationConfig,
        SafetySetting,
        Tool,
        ToolConfig,
    )

__all__ = ["GenerateArguments", "Models"]

T = TypeVar("T")


class GenerateArguments(TypedDict, total=False):
    """The keyword arguments of the generated ``generate_content`` /
    ``stream_generate_content`` (see ``genlang_async.resources.models.Models``)."""

    contents: Required[ContentsLike]
    system_instruction: ContentLike | None
    tools: Sequence[Tool | Mapping[str, Any]] | None
    tool_config: ToolConfig | Mapping[str, Any] | None
    safety_settings: Sequence[SafetySetting | Mapping[str, Any]] | None
    generation_config: GenerationConfig | Mapping[str, Any] | None
    cached_content: str | None
    timeout: TimeoutLike | None
    max_retries: int | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None


class Models(generated.Models):
    """The ``models`` methods of the API; ``generate_content`` and
    ``stream_generate_content`` also take ``response_schema=``."""

    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: type[T],
        repair_attempts: int = 0,
        **arguments: Unpack[GenerateArguments],
    ) -> ParsedResponse[T]: ...
    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: Mapping[str, Any],
        repair_attempts: int = 0,
        **arguments: Unpack[GenerateArguments],
    ) -> ParsedResponse[Any]: ...
    @overload
    async def generate_content(
        self, model: str, *, response_schema: None = None, **arguments: Unpack[GenerateArguments]
    ) -> GenerateContentResponse: ...
    @overload
    async def generate_content(
        self,
        model: str,
        *,
        response_schema: object,
        repair_attempts: int = 0,
        **arguments: Unpack[GenerateArguments],
    ) -> ParsedResponse[Any]: ...

    async def generate_content(
        self,
        model: str,
        *,
        response_schema: Any = None,
        repair_attempts: int = 0,
        **arguments: Unpack[GenerateArguments],
    ) -> GenerateContentResponse:
        """Generate a response to ``contents`` (``POST .../{model}:generateContent``).

        With ``response_schema`` (a Python type, or a JSON Schema dict) the answer is JSON
        in that shape and comes back as a :class:`~genlang_async.ParsedResponse` whose
        ``parsed`` is an instance of the type (plain JSON for a dict); text that is not JSON
        or does not fit raises :class:`~genlang_async.StructuredOutputError`, after
        ``repair_attempts`` further requests showing the model its errors. See
        ``docs/structured-output.md``. The other arguments are those of the generated method.
        """
        if response_schema is None:
            if repair_attempts:
                raise ValueError("repair_attempts needs response_schema")
            return await super().generate_content(model, **arguments)
        return await generate_structured(
            super().generate_content, model, response_schema, repair_attempts, arguments
        )

    @overload
    def stream_generate_content(
        self, model: str, *, response_schema: type[T], **arguments: Unpack[GenerateArguments]
    ) -> StructuredStream[T]: ...
    @overload
    def stream_generate_content(
        self,
        model: str,
        *,
        response_schema: Mapping[str, Any],
        **arguments: Unpack[GenerateArguments],
    ) -> StructuredStream[Any]: ...
    @overload
    def stream_generate_content(
        self, model: str, *, response_schema: None = None, **arguments: Unpack[GenerateArguments]
    ) -> GenerateContentStream[GenerateContentResponse]: ...
    @overload
    def stream_generate_content(
        self, model: str, *, response_schema: object, **arguments: Unpack[GenerateArguments]
    ) -> StructuredStream[Any]: ...

    def stream_generate_content(
        self, model: str, *, response_schema: Any = None, **arguments: Unpack[GenerateArguments]
    ) -> GenerateContentStream[GenerateContentResponse] | StructuredStream[Any]:
        """Stream a response to ``contents``: an async iterator of chunks (use
        ``async with``).

        With ``response_schema`` it is a :class:`~genlang_async.StructuredStream`: the same
        chunks, plus ``partial_objects`` (the answer parsed so far) and a final response with
        ``parsed``. See ``docs/structured-output.md``.
        """
        if response_schema is None:
            return super().stream_generate_content(model, **arguments)
        return stream_structured(super().stream_generate_content, model, response_schema, arguments)
