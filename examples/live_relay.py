"""Relay a browser's WebSocket to a Gemini Live API session (aiohttp.web), with resumption.

    GET /           a small chat page
    GET /ws         the browser's WebSocket; ``/ws?handle=...`` resumes an earlier session

Browser -> relay (JSON text frames)::

    {"text": "Hi"}                       a user turn
    {"audio": "<base64 16 kHz PCM>"}     a chunk of microphone audio
    {"audioEnd": true}                   the microphone was turned off

Relay -> browser::

    {"type": "text", "text": "..."}      model text as it streams
    {"type": "audio", "data": "<base64>", "mimeType": "audio/pcm;rate=24000"}
    {"type": "transcript", "input": "...", "output": "..."}
    {"type": "turnComplete"} / {"type": "interrupted"}
    {"type": "handle", "handle": "..."}  keep it to resume after a reload
    {"type": "resumed", "reason": "go_away" | "connection_lost"}
    {"type": "error", "message": "..."}

The API key stays on the server. The Live session outlives the API's connection limit: the
SDK resumes it on a new connection when the server says ``goAway`` (the browser just sees a
``resumed`` note), and a browser that reloads can continue the same conversation with the
last handle it was sent. When the browser goes away, the Live session is closed at once.

Run it (real API with ``GEMINI_API_KEY``, or any base URL in ``GENLANG_BASE_URL``)::

    python examples/live_relay.py --port 8080     # then open http://127.0.0.1:8080/
"""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
from aiohttp import WSMsgType, web

from genlang_async import Client, GenlangError, LiveSession, Resumed

MODEL = "gemini-live-2.5-flash-preview"

CLIENT_KEY = web.AppKey("client", Client)
MODEL_KEY = web.AppKey("model", str)

PAGE = """<!doctype html>
<meta charset="utf-8"><title>genlang_async Live relay</title>
<form id="f"><input id="p" size="60" value="Hello!"> <button>Send</button></form>
<pre id="out" style="white-space: pre-wrap"></pre>
<script>
const out = document.getElementById("out");
const handle = sessionStorage.getItem("handle");
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host
  + "/ws" + (handle ? "?handle=" + encodeURIComponent(handle) : ""));
ws.onmessage = (m) => {
  const e = JSON.parse(m.data);
  if (e.type === "text") out.textContent += e.text;
  else if (e.type === "turnComplete") out.textContent += "\\n\\n";
  else if (e.type === "handle") sessionStorage.setItem("handle", e.handle);
  else if (e.type === "resumed") out.textContent += "[resumed]";
  else if (e.type === "error") out.textContent += "\\n[error] " + e.message + "\\n";
};
document.getElementById("f").onsubmit = (e) => {
  e.preventDefault();
  out.textContent += "> " + p.value + "\\n";
  ws.send(JSON.stringify({text: p.value}));
};
</script>
"""


async def index(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


def to_browser(event: Any) -> list[dict[str, Any]]:
    """The browser's frames for one Live event."""
    if isinstance(event, Resumed):
        return [{"type": "resumed", "reason": event.reason}]
    out: list[dict[str, Any]] = []
    update = event.session_resumption_update
    if update is not None and update.resumable and update.new_handle:
        out.append({"type": "handle", "handle": update.new_handle})
    content = event.server_content
    if content is None:
        return out
    for part in content.model_turn.parts if content.model_turn else []:
        if part.text:
            out.append({"type": "text", "text": part.text})
        elif part.inline_data is not None and part.inline_data.data is not None:
            data = base64.b64encode(part.inline_data.data).decode()
            out.append({"type": "audio", "data": data, "mimeType": part.inline_data.mime_type})
    heard = content.input_transcription.text if content.input_transcription else None
    said = content.output_transcription.text if content.output_transcription else None
    if heard or said:
        out.append({"type": "transcript", "input": heard or "", "output": said or ""})
    if content.interrupted:
        out.append({"type": "interrupted"})
    if content.turn_complete:
        out.append({"type": "turnComplete"})
    return out


async def upstream_to_browser(session: LiveSession, browser: web.WebSocketResponse) -> None:
    async for event in session:
        for frame in to_browser(event):
            await browser.send_str(json.dumps(frame))


async def browser_to_upstream(browser: web.WebSocketResponse, session: LiveSession) -> None:
    async for frame in browser:
        if frame.type is not WSMsgType.TEXT:
            break
        try:
            message = json.loads(frame.data)
        except ValueError:
            continue
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("text"), str) and message["text"].strip():
            await session.send_text(message["text"])
        elif isinstance(message.get("audio"), str):
            await session.send_realtime_input(audio=base64.b64decode(message["audio"]))
        elif message.get("audioEnd"):
            await session.send_audio_stream_end()


async def relay(request: web.Request) -> web.WebSocketResponse:
    """One browser WebSocket <-> one Live session, until either side ends."""
    browser = web.WebSocketResponse(heartbeat=30)
    await browser.prepare(request)
    client = request.app[CLIENT_KEY]
    handle = request.query.get("handle") or None
    try:
        async with (
            client.live.connect(
                request.app[MODEL_KEY], response_modalities=["TEXT"], handle=handle
            ) as session,
            anyio.create_task_group() as tasks,
        ):

            async def pump_up() -> None:
                await upstream_to_browser(session, browser)
                tasks.cancel_scope.cancel()

            tasks.start_soon(pump_up)
            await browser_to_upstream(browser, session)
            tasks.cancel_scope.cancel()  # the browser left: close the Live session now
    except GenlangError as exc:  # a refused setup or handle, a session that could not resume
        if not browser.closed:
            await browser.send_str(json.dumps({"type": "error", "message": str(exc)}))
    await browser.close()
    return browser


def create_app(client: Client | None = None, *, model: str = MODEL) -> web.Application:
    """The relay app. Without ``client``, one is made from the environment on startup (and
    closed on cleanup); tests pass their own."""
    app = web.Application()
    app[MODEL_KEY] = model
    if client is not None:
        app[CLIENT_KEY] = client
    else:

        async def client_ctx(app: web.Application) -> AsyncIterator[None]:
            async with Client() as own_client:
                app[CLIENT_KEY] = own_client
                yield

        app.cleanup_ctx.append(client_ctx)
    app.router.add_get("/", index)
    app.router.add_get("/ws", relay)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--model", default=MODEL)
    args = parser.parse_args()
    web.run_app(create_app(model=args.model), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
