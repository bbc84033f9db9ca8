"""``client.live``: opening Live sessions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import anyio

from .._core.coerce import as_content, as_model, as_model_list
from .._core.names import resolve_name
from ..types import BidiGenerateContentSetup, Tool
from ._session import LiveSession

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from .._core.coerce import ContentLike
    from .._http.transport import Transport

__all__ = ["Live", "LiveConnect"]


class Live:
    """``client.live``: realtime sessions with the Live API over WebSockets."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return "<Live namespace>"

    def connect(
        self,
        model: str,
        *,
        config: BidiGenerateContentSetup | Mapping[str, Any] | None = None,
        system_instruction: ContentLike | None = None,
        response_modalities: Sequence[str] | None = None,
        tools: Sequence[Tool | Mapping[str, Any]] | None = None,
        resumption: bool = True,
        handle: str | None = None,
        max_send_wait: float = 30.0,
        max_resume_wait: float = 30.0,
    ) -> LiveConnect:
        """Open a Live session: ``async with client.live.connect(model) as session:``.

        Args:
            model: a Live model (``"gemini-live-2.5-flash-preview"`` or ``models/...``).
            config: the session settings, a :class:`BidiGenerateContentSetup` (or its wire
                dict) without ``model``: ``generation_config``, ``realtime_input_config``,
                ``context_window_compression``, transcriptions, ...
            system_instruction, response_modalities, tools: shortcuts that fill the
                matching fields of ``config`` (``response_modalities=["AUDIO"]`` sets
                ``generation_config.response_modalities``).
            resumption: keep the session alive across connections (on by default): the
                session asks for resumption handles and, when the server says ``goAway``
                or the connection breaks, carries on over a new connection.
            handle: resume an earlier session from its :attr:`LiveSession.handle`.
            max_send_wait: longest time a send waits while the session moves to a new
                connection.
            max_resume_wait: longest time spent trying to open the new connection.

        The setup is checked here; nothing is sent until the block is entered, which
        sends ``setup`` and waits for ``setupComplete``. Leaving the block closes the
        WebSocket at once.
        """
        name = resolve_name(model, "models/*", "tunedModels/*", argument="model")
        setup = as_model(config, BidiGenerateContentSetup, "config") or BidiGenerateContentSetup()
        body = setup.to_dict()
        body["model"] = name
        instruction = as_content(system_instruction, "system_instruction")
        if instruction is not None:
            body["systemInstruction"] = instruction.to_dict()
        if response_modalities is not None:
            if isinstance(response_modalities, str):
                raise TypeError("response_modalities must be a list such as ['AUDIO']")
            generation = body.setdefault("generationConfig", {})
            generation["responseModalities"] = [str(m) for m in response_modalities]
        declared = as_model_list(tools, Tool, "tools")
        if declared is not None:
            body["tools"] = [*body.get("tools", []), *(t.to_dict() for t in declared)]
        if handle is not None and not isinstance(handle, str):
            raise TypeError(f"handle must be a str, not {type(handle).__name__}")
        if handle and not resumption:
            raise ValueError("handle= resumes a session: it needs resumption=True")
        for value, argument in (
            (max_send_wait, "max_send_wait"),
            (max_resume_wait, "max_resume_wait"),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{argument} must be a number of seconds > 0")
        body.pop("sessionResumption", None)
        return LiveConnect(
            functools.partial(
                LiveSession,
                self._transport,
                {"model": name, **{k: v for k, v in body.items() if k != "model"}},
                resumption=resumption,
                handle=handle or None,
                max_send_wait=float(max_send_wait),
                max_resume_wait=float(max_resume_wait),
                on_tool_call=None,
            )
        )


class LiveConnect:
    """``async with`` it to open the session; leaving the block closes it."""

    def __init__(self, make_session: Callable[[], LiveSession]) -> None:
        self._make_session = make_session
        self._session: LiveSession | None = None
        self._task_group: TaskGroup | None = None

    async def __aenter__(self) -> LiveSession:
        if self._session is not None:
            raise RuntimeError("this connect() block was already entered; call connect() again")
        session = self._session = self._make_session()
        try:
            await session._open()
        except BaseException:
            await session.aclose()
            raise
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        session._start(task_group)
        self._task_group = task_group
        return session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        assert self._task_group is not None
        await self._session.aclose()
        # The session's tasks end by themselves once it is closed; the block's own exception
        # (if any) propagates as it is, not wrapped in an exception group.
        await self._task_group.__aexit__(None, None, None)
