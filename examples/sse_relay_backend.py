"""Relay a streamed Gemini answer to the browser as Server-Sent Events (aiohttp.web).

    GET /stream?prompt=...   ->   text/event-stream

    data: {"text": "Once upon"}
    data: {"text": " a time"}
    event: done
    data: {"finishReason": "STOP", "totalTokenCount": 42}

Each text delta is forwarded as soon as it arrives. When the browser goes away (tab closed,
``EventSource.close()``), the handler is cancelled, the ``async with`` block around the
upstream stream exits and the SDK releases its connection to the API at once: no tokens are
read (or billed) for a reader who left. An API error is sent as an ``event: error``.

Run it (real API with ``GEMINI_API_KEY``, or any base URL in ``GENLANG_BASE_URL``)::

    python examples/sse_relay_backend.py --port 8080
    # then open http://127.0.0.1:8080/ or:  curl -N 'http://127.0.0.1:8080/stream?prompt=Hi'
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from genlang_async import APIError, Client, GenlangError

MODEL = "gemini-2.5-flash"
MAX_PROMPT_CHARS = 8_000

CLIENT_KEY = web.AppKey("client", Client)
MODEL_KEY = web.AppKey("model", str)

PAGE = """<!doctype html>
<meta charset="utf-8"><title>genlang_async SSE relay</title>
<form id="f"><input id="p" size="60" value="Tell me a short story"> <button>Ask</button></form>
<pre id="out" style="white-space: pre-wrap"></pre>
<script>
let source;
document.getElementById("f").onsubmit = (e) => {
  e.preventDefault();
  if (source) source.close();
  const out = document.getElementById("out");
  out.textContent = "";
  source = new EventSource("/stream?prompt=" + encodeURIComponent(p.value));
  source.onmessage = (m) => { out.textContent += JSON.parse(m.data).text; };
  source.addEventListener("done", () => source.close());
  source.addEventListener("error", (m) => {
    if (m.data) out.textContent += "\\n[error] " + JSON.parse(m.data).message;
    source.close();
  });
};
</script>
"""


def sse(data: dict[str, Any], event: str | None = None) -> bytes:
    """One Server-Sent Event frame."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def index(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


async def stream(request: web.Request) -> web.StreamResponse:
    """Relay ``streamGenerateContent`` for ``?prompt=`` as an event stream."""
    prompt = request.query.get("prompt", "").strip()
    if not prompt or len(prompt) > MAX_PROMPT_CHARS:
        raise web.HTTPBadRequest(text=f"prompt must have 1..{MAX_PROMPT_CHARS} characters")
    client = request.app[CLIENT_KEY]

    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # keep nginx from buffering the events
        }
    )
    await response.prepare(request)
    try:
        # ``async with`` guarantees the upstream connection is released however this block
        # is left: end of stream, API error, a failed write to a gone browser, cancellation.
        async with client.models.stream_generate_content(
            request.app[MODEL_KEY], contents=prompt
        ) as upstream:
            last = None
            async for chunk in upstream:
                last = chunk
                if chunk.text:
                    await response.write(sse({"text": chunk.text}))
        done: dict[str, Any] = {}
        if last is not None and last.candidates and last.candidates[0].finish_reason:
            done["finishReason"] = str(last.candidates[0].finish_reason)
        if last is not None and last.usage_metadata is not None:
            done["totalTokenCount"] = last.usage_metadata.total_token_count
        await response.write(sse(done, event="done"))
    except APIError as exc:
        await response.write(sse({"status": exc.status, "message": exc.message}, event="error"))
    except GenlangError as exc:  # connection problems, timeouts, a malformed stream
        await response.write(sse({"message": str(exc)}, event="error"))
    except ConnectionResetError:
        pass  # the browser left while we were writing; upstream is already released
    return response


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
    app.router.add_get("/stream", stream)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--model", default=MODEL)
    args = parser.parse_args()
    # handler_cancellation: a browser that disconnects cancels its handler (and so the
    # upstream stream) even while no bytes are being written to it.
    web.run_app(
        create_app(model=args.model), host=args.host, port=args.port, handler_cancellation=True
    )


if __name__ == "__main__":
    main()
