"""Hand-written conveniences mixed into some generated classes.

The generator makes ``GenerateContentResponse``, ``Content`` and ``Part`` inherit from the
mixins below (see ``MIXINS`` in ``tools/codegen/generate.py``).  The mixins hold no state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._generated_content import Candidate, Content, FunctionCall, Part, PromptFeedback
    from ._generated_live import BidiGenerateContentServerContent

__all__ = [
    "ContentHelpers",
    "GenerateContentResponseHelpers",
    "PartHelpers",
    "ServerMessageHelpers",
]


def _text_of(parts: list[Part]) -> str | None:
    texts = [p.text for p in parts if p.text is not None and not p.thought]
    return "".join(texts) if texts else None


class GenerateContentResponseHelpers:
    """Shortcuts over the first candidate of a ``GenerateContentResponse``."""

    __slots__ = ()

    if TYPE_CHECKING:
        candidates: list[Candidate] | None
        prompt_feedback: PromptFeedback | None

    @property
    def parts(self) -> list[Part]:
        """Parts of the first candidate (empty when there is none or it has no content)."""
        if not self.candidates:
            return []
        content = self.candidates[0].content
        return [] if content is None else content.parts

    @property
    def text(self) -> str | None:
        """Text of the first candidate: its non-thought text parts joined.

        ``None`` when there is no candidate (e.g. the prompt was blocked: see
        ``prompt_feedback``); ``""`` when the candidate carries no text (only function calls,
        code, or nothing, as in some stream chunks).
        """
        if not self.candidates:
            return None
        return _text_of(self.parts) or ""

    @property
    def function_calls(self) -> list[FunctionCall]:
        """Function calls predicted in the first candidate, in order."""
        return [p.function_call for p in self.parts if p.function_call is not None]

    @property
    def tool_history(self) -> list[Content]:
        """The turns automatic function calling exchanged before this response (model turns
        with calls, function responses): empty here; set on the responses of a tool loop."""
        return []


class ContentHelpers:
    """Constructors and shortcuts for ``Content``."""

    __slots__ = ()

    if TYPE_CHECKING:
        parts: list[Part]
        role: str | None

    @classmethod
    def from_text(cls, text: str, *, role: str | None = "user") -> Content:
        """A one-part text message (``role`` is ``"user"`` unless given)."""
        from . import Content, Part

        return Content(parts=[Part(text=text)], role=role)

    @classmethod
    def from_parts(cls, *parts: Part | str, role: str | None = "user") -> Content:
        """A message from parts; plain strings become text parts."""
        from . import Content, Part

        items = [Part(text=p) if isinstance(p, str) else p for p in parts]
        return Content(parts=items, role=role)

    @property
    def text(self) -> str | None:
        """The non-thought text parts joined, or ``None`` when there are none."""
        return _text_of(self.parts)


class PartHelpers:
    """Constructors for ``Part``."""

    __slots__ = ()

    @classmethod
    def from_text(cls, text: str) -> Part:
        """A text part."""
        from . import Part

        return Part(text=text)

    @classmethod
    def from_bytes(cls, data: bytes, mime_type: str) -> Part:
        """Inline media (sent base64-encoded)."""
        from . import Blob, Part

        return Part(inline_data=Blob(data=data, mime_type=mime_type))

    @classmethod
    def from_uri(cls, uri: str, mime_type: str | None = None) -> Part:
        """Media referenced by URI, such as the ``uri`` of an uploaded ``File``."""
        from . import FileData, Part

        return Part(file_data=FileData(file_uri=uri, mime_type=mime_type))

    @classmethod
    def from_function_response(
        cls, name: str, response: dict[str, Any], *, id: str | None = None
    ) -> Part:
        """The result of a function call, to send back to the model."""
        from . import FunctionResponse, Part

        return Part(function_response=FunctionResponse(name=name, response=response, id=id))


class ServerMessageHelpers:
    """Shortcuts over the model output in a Live API server message."""

    __slots__ = ()

    if TYPE_CHECKING:
        server_content: BidiGenerateContentServerContent | None

    @property
    def text(self) -> str | None:
        """The message's model text: its non-thought text parts joined (``""`` for a model
        turn without text, ``None`` when the message carries no model turn)."""
        content = self.server_content
        if content is None or content.model_turn is None:
            return None
        return _text_of(content.model_turn.parts) or ""

    @property
    def data(self) -> bytes | None:
        """The message's inline data (audio chunks) joined; ``None`` when it has none."""
        content = self.server_content
        if content is None or content.model_turn is None:
            return None
        chunks = [
            p.inline_data.data
            for p in content.model_turn.parts
            if p.inline_data is not None and p.inline_data.data is not None
        ]
        return b"".join(chunks) if chunks else None
