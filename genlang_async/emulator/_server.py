"""Running the emulator: ``Emulator`` (async context manager) and ``EmulatorThread`` (sync)."""

from __future__ import annotations

import asyncio
import socket
import threading
from types import TracebackType
from typing import Any

from aiohttp import web

from ._app import create_app
from ._faults import FaultInjector
from ._files import generated_file
from ._quotas import QuotaTable
from ._scripts import ScriptBook
from ._settings import EmulatorSettings
from ._state import State


class Emulator:
    """An emulator server on a loopback port.

    ``async with Emulator(operation_delay=0) as emu: ...`` -- keyword arguments are
    ``EmulatorSettings`` fields. ``emu.url`` is the base URL (no trailing slash).
    """

    def __init__(
        self,
        settings: EmulatorSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **overrides: Any,
    ) -> None:
        self.settings = settings or EmulatorSettings()
        if overrides:
            self.settings.update(overrides)
        self.host = host
        self.port = port
        self.state = State(self.settings)
        self.faults = FaultInjector()
        self.scripts = ScriptBook()
        #: Simulated quotas: ``emu.quotas.set("gemini-2.5-flash", requests=10, period=1.0)``.
        self.quotas = QuotaTable()
        #: Queue scripted responses: see :meth:`ScriptBook.script
        #: <genlang_async.emulator.ScriptBook.script>`.
        self.script = self.scripts.script
        self.app = create_app(
            self.settings,
            state=self.state,
            faults=self.faults,
            scripts=self.scripts,
            quotas=self.quotas,
        )
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the emulator is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def upload_log(self) -> list[dict[str, Any]]:
        """One entry per upload-session request: sessionId, command, offset, length, status."""
        return self.state.upload_log

    @property
    def request_log(self) -> list[dict[str, Any]]:
        return self.state.request_log

    def add_generated_file(
        self, data: bytes, *, mime_type: str = "video/mp4", display_name: str | None = None
    ) -> dict[str, Any]:
        """Store ``data`` as a file the API generated (as a Veo video is) and return the
        ``File`` in wire format: unlike uploaded files, generated ones can be downloaded."""
        metadata = {"displayName": display_name} if display_name else {}
        return dict(
            generated_file(
                self.state, self.url, bytes(data), mime_type=mime_type, metadata=metadata
            )
        )

    def reset(self) -> None:
        """Forget every resource, log entry, fault, script and quota (settings are kept)."""
        self.state.reset()
        self.faults.clear()
        self.scripts.clear()
        self.quotas.clear()

    async def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        try:
            await runner.setup()
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner

    async def close(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        self.state.close()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class EmulatorThread:
    """The emulator on its own event loop in a daemon thread, for synchronous code.

    ``with EmulatorThread(operation_delay=0) as emu: requests.get(emu.url + ...)``
    """

    def __init__(self, settings: EmulatorSettings | None = None, **kwargs: Any) -> None:
        self.emulator = Emulator(settings, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.emulator, name)

    def start(self) -> None:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.emulator.start())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.emulator.close())
            loop.close()

        self._thread = threading.Thread(target=run, name="genlang-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = None
            self._thread = None

    def __enter__(self) -> EmulatorThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
