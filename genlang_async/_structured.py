"""Structured output: a Python type (or a JSON Schema) in, typed objects out.

``response_schema=`` on ``generate_content``, ``stream_generate_content`` and chats sends
``responseMimeType: application/json`` with ``responseJsonSchema`` built by
:func:`~genlang_async.json_schema`, and the answer comes back as a :class:`ParsedResponse`
whose ``parsed`` is an instance of the type. Text that is not JSON, or does not fit, raises
:class:`StructuredOutputError` (``repair_attempts=N`` first asks the model again, showing it
the errors). Streams add :attr:`StructuredStream.partial_objects`.

This module is the feature; the namespaces only hand it their ``generate_content`` call.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._core.coerce import as_contents
from ._core.errors import GenlangError
from ._core.json_schema import (
    SchemaValidationError,
    ValidationIssue,
    decode,
    json_schema,
)
from ._core.partial_json import PartialJSONError, PartialJSONParser
from .types import Content, GenerateContentResponse, GenerationConfig, Part

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._http.streaming import GenerateContentStream

__all__ = [
    "OutputSchema",
    "ParsedResponse",
    "StructuredOutputError",
    "StructuredStream",
    "generate_structured",
    "stream_structured",
]

T = TypeVar("T")

_JSON_MIME = "application/json"
_FIELDS = tuple(field.name for field in attrs.fields(GenerateContentResponse))


class StructuredOutputError(GenlangError):
    """The model's answer is not JSON, or does not fit the requested type.

    Attributes:
        text: the answer's text (``None`` when the response had no text at all).
        response: the (last) response.
        errors: what is wrong, each with the JSON path where it is (``$.items[0].price``).
        attempts: how many answers were asked for (1 + the repairs).
    """

    def __init__(
        self,
        message: str,
        *,
        text: str | None,
        response: GenerateContentResponse,
        errors: Sequence[ValidationIssue],
        attempts: int = 1,
    ) -> None:
        self.text = text
        self.response = response
        self.errors = list(errors)
        self.attempts = attempts
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{message}{tries}: {shown}{more}")


class ParsedResponse(GenerateContentResponse, Generic[T]):
    """A ``GenerateContentResponse`` with the answer converted to the requested type.

    Attributes:
        parsed: the answer as an instance of the type given as ``response_schema`` (a list
            for ``list[T]``, the member for an ``Enum``; plain JSON for a schema dict;
            ``None`` without a ``response_schema``).
        tool_history: the turns automatic function calling exchanged before this answer
            (model turns with calls, function responses); empty when no tool ran.
    """

    __slots__ = ("parsed", "tool_history")

    parsed: T
    tool_history: list[Content]


@attrs.frozen
class OutputSchema(Generic[T]):
    """What ``response_schema=`` asked for: the schema to send and how to read the answer."""

    schema: dict[str, Any]
    convert: Callable[[Any], T]
    name: str

    @classmethod
    def of(cls, response_schema: Any) -> OutputSchema[Any]:
        """From a Python type, or a JSON Schema dict (then answers stay plain JSON).
        ``TypeError`` for anything else, before any request."""
        if isinstance(response_schema, Mapping):
            try:
                schema = json.loads(json.dumps(response_schema))
            except (TypeError, ValueError) as exc:
                raise TypeError(f"response_schema: the schema is not JSON: {exc}") from None
            return OutputSchema(schema, _plain_json, "the JSON Schema")
        try:
            schema = json_schema(response_schema)
        except TypeError as exc:
            raise TypeError(f"response_schema: {exc}") from None
        name = getattr(response_schema, "__name__", None) or repr(response_schema)
        return OutputSchema(schema, lambda value: decode(response_schema, value), name)

    def read(self, response: GenerateContentResponse, attempts: int = 1) -> ParsedResponse[T]:
        """``response`` with ``parsed`` set; :class:`StructuredOutputError` when its text is
        not JSON or does not fit."""
        text = response.text
        if not text:
            reason = _finish_reason(response)
            raise StructuredOutputError(
                f"no answer to read as {self.name}",
                text=text,
                response=response,
                errors=[ValidationIssue("$", f"the response has no text ({reason})")],
                attempts=attempts,
            )
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise StructuredOutputError(
                "the answer is not JSON",
                text=text,
                response=response,
                errors=[ValidationIssue("$", f"not valid JSON: {exc}")],
                attempts=attempts,
            ) from None
        try:
            parsed = self.convert(value)
        except SchemaValidationError as exc:
            raise StructuredOutputError(
                f"the answer does not fit {self.name}",
                text=text,
                response=response,
                errors=exc.errors,
                attempts=attempts,
            ) from None
        return parsed_response(response, parsed)


def _plain_json(value: Any) -> Any:
    return value


def _finish_reason(response: GenerateContentResponse) -> str:
    if not response.candidates:
        feedback = response.prompt_feedback
        block = feedback.block_reason if feedback is not None else None
        return f"prompt blocked: {block}" if block else "no candidates"
    reason = response.candidates[0].finish_reason
    return f"finish reason {reason}" if reason else "no text parts"


def parsed_response(response: GenerateContentResponse, parsed: Any) -> ParsedResponse[Any]:
    """A :class:`ParsedResponse` with ``response``'s fields (and ``tool_history``) and
    ``parsed``."""
    result: ParsedResponse[Any] = object.__new__(ParsedResponse)
    for name in _FIELDS:
        object.__setattr__(result, name, getattr(response, name))
    result.parsed = parsed
    result.tool_history = list(response.tool_history)
    return result


def with_output_schema(
    generation_config: GenerationConfig | Mapping[str, Any] | None, output: OutputSchema[Any]
) -> GenerationConfig:
    """``generation_config`` plus the JSON answer format of ``output``; ``ValueError`` when
    the config already asks for another format (before any request)."""
    if generation_config is None:
        config = GenerationConfig()
    elif isinstance(generation_config, GenerationConfig):
        config = generation_config
    elif isinstance(generation_config, Mapping):
        config = GenerationConfig.from_dict(generation_config)
    else:
        raise TypeError(
            "generation_config must be a GenerationConfig or a dict, "
            f"not {type(generation_config).__name__}"
        )
    if config.response_schema is not None or config.response_json_schema is not None:
        raise ValueError(
            "response_schema= and a schema in generation_config were both given: use one"
        )
    if config.response_mime_type not in (None, _JSON_MIME):
        raise ValueError(
            f"response_schema= needs responseMimeType {_JSON_MIME!r}, "
            f"not {config.response_mime_type!r}"
        )
    return attrs.evolve(config, response_mime_type=_JSON_MIME, response_json_schema=output.schema)


def check_repair_attempts(repair_attempts: int) -> int:
    """``repair_attempts`` checked: an int >= 0."""
    if not isinstance(repair_attempts, int) or isinstance(repair_attempts, bool):
        raise TypeError(f"repair_attempts must be an int, not {type(repair_attempts).__name__}")
    if repair_attempts < 0:
        raise ValueError(f"repair_attempts must be >= 0, not {repair_attempts}")
    return repair_attempts


def repair_turns(error: StructuredOutputError) -> list[Content]:
    """The model's invalid answer and a user turn listing what is wrong with it."""
    problems = "\n".join(f"- {issue}" for issue in error.errors)
    request = (
        "Your previous answer does not match the required JSON schema:\n"
        f"{problems}\n"
        "Answer again with only the corrected JSON."
    )
    answer = Content(parts=[Part(text=error.text or "")], role="model")
    return [answer, Content(parts=[Part(text=request)], role="user")]


async def generate_parsed(
    generate: Callable[[list[Content]], Awaitable[GenerateContentResponse]],
    contents: list[Content],
    output: OutputSchema[T],
    repair_attempts: int,
) -> ParsedResponse[T]:
    """Call ``generate(contents)`` and read the answer; on a :class:`StructuredOutputError`
    with text to show, ask again (up to ``repair_attempts`` times) with the invalid answer
    and its errors added to the conversation."""
    attempt = 1
    while True:
        response = await generate(contents)
        try:
            return output.read(response, attempt)
        except StructuredOutputError as error:
            if attempt > repair_attempts or not error.text:
                raise
            contents = [*contents, *response.tool_history, *repair_turns(error)]
        attempt += 1


async def generate_structured(
    generate_content: Callable[..., Awaitable[GenerateContentResponse]],
    model: str,
    response_schema: Any,
    repair_attempts: int,
    arguments: Mapping[str, Any],
) -> ParsedResponse[Any]:
    """``generate_content(model, **arguments)`` asking for ``response_schema``; see
    :func:`generate_parsed`. Bad arguments raise before anything is sent."""
    output = OutputSchema.of(response_schema)
    check_repair_attempts(repair_attempts)
    arguments = dict(arguments)
    contents = as_contents(arguments.pop("contents", None), "contents")
    arguments["generation_config"] = with_output_schema(arguments.get("generation_config"), output)

    async def generate(turns: list[Content]) -> GenerateContentResponse:
        return await generate_content(model, contents=turns, **arguments)

    return await generate_parsed(generate, contents, output, repair_attempts)


def stream_structured(
    stream_generate_content: Callable[..., GenerateContentStream[Any]],
    model: str,
    response_schema: Any,
    arguments: Mapping[str, Any],
) -> StructuredStream[Any]:
    """``stream_generate_content(model, **arguments)`` asking for ``response_schema``."""
    output = OutputSchema.of(response_schema)
    arguments = dict(arguments)
    arguments["generation_config"] = with_output_schema(arguments.get("generation_config"), output)
    return StructuredStream(stream_generate_content(model, **arguments), output)


class StructuredStream(Generic[T]):
    """A streamed structured answer: the chunks, :attr:`partial_objects` as they grow, and
    the final response with ``parsed``.

    Like the plain chunk stream it is an async iterator of chunks and an async context
    manager that releases the connection; read it one way only (chunks, ``text_stream`` or
    ``partial_objects``), then ``await get_final_response()``.
    """

    def __init__(self, stream: GenerateContentStream[Any], output: OutputSchema[T]) -> None:
        self._stream = stream
        self._output = output

    async def __aenter__(self) -> Self:
        await self._stream.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stream.aclose()

    async def aclose(self) -> None:
        """Release the connection now."""
        await self._stream.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> GenerateContentResponse:
        chunk: GenerateContentResponse = await self._stream.__anext__()
        return chunk

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The JSON text as it arrives."""
        return self._stream.text_stream

    @property
    def tool_history(self) -> list[Content]:
        """The turns automatic function calling exchanged so far (empty without Python
        callables in ``tools``)."""
        return list(getattr(self._stream, "tool_history", ()))

    @property
    def partial_objects(self) -> AsyncIterator[Any]:
        """The answer parsed so far, each time a chunk adds to it: plain dicts and lists
        with the incomplete tail left out (see ``docs/structured-output.md``).

        The value grows in place (the same objects, filled further); copy it to keep a
        snapshot. Once the text stops being JSON no further values come (the stream is
        still read to its end), and the final response raises
        :class:`StructuredOutputError`."""
        return _PartialObjects(self._stream.text_stream)

    async def get_final_response(self) -> ParsedResponse[T]:
        """Read the rest of the stream; return the merged response with ``parsed``
        (:class:`StructuredOutputError` when the answer is not JSON or does not fit)."""
        return self._output.read(await self._stream.get_final_response())

    def _add_done_callback(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Like the chunk stream's, but only for an answer that fits (as a chat needs)."""

        def fitting(merged: dict[str, Any]) -> None:
            try:
                self._output.read(GenerateContentResponse.from_dict(merged))
            except StructuredOutputError:
                return
            callback(merged)

        self._stream._add_done_callback(fitting)


class _PartialObjects(AsyncIterator[Any]):
    """Feeds the text deltas to a :class:`PartialJSONParser`; yields its value on change."""

    __slots__ = ("_parser", "_texts")

    def __init__(self, texts: AsyncIterator[str]) -> None:
        self._texts = texts
        self._parser: PartialJSONParser | None = PartialJSONParser()

    def __aiter__(self) -> _PartialObjects:
        return self

    async def __anext__(self) -> Any:
        while True:
            try:
                text = await self._texts.__anext__()
            except StopAsyncIteration:
                parser, self._parser = self._parser, None
                if parser is not None and _finished(parser):
                    return parser.value
                raise
            parser = self._parser
            if parser is None:
                continue  # not JSON: read on, so the final response has the whole text
            try:
                if parser.feed(text):
                    return parser.value
            except PartialJSONError:
                self._parser = None


def _finished(parser: PartialJSONParser) -> bool:
    """Whether what the parser kept back, parsed at the end of the text, adds to its value."""
    try:
        return parser.finish()
    except PartialJSONError:
        return False
