"""What a Live session yields besides server messages, and turns assembled from messages."""

from __future__ import annotations

from typing import Literal

import attrs

from ..types import BidiGenerateContentServerMessage, FunctionCall, LiveUsageMetadata

__all__ = ["LiveEvent", "LiveTurn", "Resumed", "TurnBuilder"]


@attrs.frozen
class Resumed:
    """The session carries on over a new connection.

    ``reason`` is ``"go_away"`` (the server announced the end of the connection; nothing
    was lost) or ``"connection_lost"`` (the connection broke: an answer in progress starts
    again, and the client messages the server had not confirmed were sent again; their
    count is ``replayed``). ``handle`` is the resumption handle used.
    """

    reason: Literal["go_away", "connection_lost"]
    handle: str
    replayed: int = 0


#: What ``async for message in session`` yields.
LiveEvent = BidiGenerateContentServerMessage | Resumed


@attrs.define(kw_only=True)
class LiveTurn:
    """One model turn, assembled from the server messages that made it.

    ``text`` joins the text parts and ``audio`` the inline audio chunks (raw bytes, of
    ``audio_mime_type``) of the model's output; the transcriptions join their pieces.
    ``interrupted`` is true when new input cut the turn short. ``function_calls`` are the
    tool calls the model made during the turn.
    """

    text: str = ""
    audio: bytes = b""
    audio_mime_type: str | None = None
    input_transcription: str = ""
    output_transcription: str = ""
    interrupted: bool = False
    function_calls: list[FunctionCall] = attrs.Factory(list)
    usage_metadata: LiveUsageMetadata | None = None
    messages: list[BidiGenerateContentServerMessage] = attrs.Factory(list)


class TurnBuilder:
    """Feed it every event of a session; it returns each turn when the turn ends.

    A turn ends with ``turnComplete`` or ``interrupted``. A connection lost mid-turn
    discards the partial turn (the server answers again after the resumption).
    """

    def __init__(self) -> None:
        self._turn: LiveTurn | None = None
        self._audio: list[bytes] = []

    def feed(self, event: LiveEvent) -> LiveTurn | None:
        if isinstance(event, Resumed):
            if event.reason == "connection_lost":
                self._turn, self._audio = None, []
            return None
        content = event.server_content
        if event.tool_call is not None:
            self._current().function_calls.extend(event.tool_call.function_calls or ())
        if event.usage_metadata is not None and self._turn is not None:
            self._turn.usage_metadata = event.usage_metadata
        if content is None:
            return None
        turn = self._current()
        turn.messages.append(event)
        if content.model_turn is not None:
            for part in content.model_turn.parts:
                if part.text is not None and not part.thought:
                    turn.text += part.text
                if part.inline_data is not None and part.inline_data.data is not None:
                    self._audio.append(part.inline_data.data)
                    turn.audio_mime_type = part.inline_data.mime_type
        if content.input_transcription is not None and content.input_transcription.text:
            turn.input_transcription += content.input_transcription.text
        if content.output_transcription is not None and content.output_transcription.text:
            turn.output_transcription += content.output_transcription.text
        if event.usage_metadata is not None:
            turn.usage_metadata = event.usage_metadata
        if content.interrupted:
            turn.interrupted = True
        if content.turn_complete or content.interrupted:
            turn.audio = b"".join(self._audio)
            self._turn, self._audio = None, []
            return turn
        return None

    def _current(self) -> LiveTurn:
        if self._turn is None:
            self._turn = LiveTurn()
        return self._turn
