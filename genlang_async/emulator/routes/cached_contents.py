"""cachedContents.* (create, list, get, patch, delete)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator._crud import stamp, update_mask
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import prompt_counts, validate_contents
from genlang_async.emulator._lookup import model_not_found
from genlang_async.emulator._models import supports
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import State
from genlang_async.emulator._wire import (
    JSON,
    exact_utc,
    format_timestamp,
    now,
    parse_duration,
    parse_timestamp,
)

_DEFAULT_TTL = 3600.0


def _expiry(body: JSON) -> tuple[float, str] | None:
    """(epoch, ``expireTime`` text) from ``ttl`` or ``expireTime`` (kept to the nanosecond)."""
    if "ttl" in body and "expireTime" in body:
        raise invalid("Only one of ttl and expire_time may be set.")
    if "ttl" in body:
        seconds = parse_duration(body["ttl"])
        if seconds is None or seconds < 0:
            raise invalid(f"Invalid value at 'cached_content.ttl' ({body['ttl']!r}).")
        later = now() + seconds
        return later, format_timestamp(later, digits=9)
    if "expireTime" in body:
        moment = parse_timestamp(str(body["expireTime"]))
        text = exact_utc(str(body["expireTime"]))
        if moment is None or text is None:
            raise invalid(
                f"Invalid value at 'cached_content.expire_time' ({body['expireTime']!r})."
            )
        return moment, text
    return None


def _live(state: State, name: str) -> JSON:
    item = state.get(name, "CachedContent")
    expires = parse_timestamp(str(item["expireTime"]))
    if expires is not None and expires < now():
        state.delete(name)
        state.get(name, "CachedContent")
    return item


@route("POST", "/v1beta/cachedContents", "cachedContents.create")
async def create(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    model_name = body.get("model")
    if not isinstance(model_name, str) or not model_name:
        raise invalid("* CachedContent.model: model is not specified\n")
    if not model_name.startswith("models/"):
        model_name = "models/" + model_name
    model = ctx.state.models.get(model_name)
    if model is None or not supports(model, "createCachedContent"):
        raise model_not_found(model_name, "createCachedContent")
    if "contents" in body:
        validate_contents(body["contents"], "CachedContent.contents")
    default = now() + _DEFAULT_TTL
    _, expires = _expiry(body) or (default, format_timestamp(default, digits=9))
    created = stamp()
    name = ctx.state.unique_name("cachedContents")
    item: dict[str, Any] = {
        "name": name,
        "model": model_name,
        "createTime": created,
        "updateTime": created,
        "expireTime": expires,
    }
    if "displayName" in body:
        item["displayName"] = str(body["displayName"])
    private: JSON = {
        k: body[k] for k in ("contents", "systemInstruction", "tools", "toolConfig") if k in body
    }
    item["usageMetadata"] = {"totalTokenCount": sum(prompt_counts(private).values())}
    ctx.state.put(item)
    ctx.state.private[name] = private
    return json_response(item)


@route("GET", "/v1beta/cachedContents", "cachedContents.list")
async def list_cached(ctx: Ctx) -> web.StreamResponse:
    moment = now()
    items = []
    for item in ctx.state.children("", "cachedContents"):
        if (parse_timestamp(str(item["expireTime"])) or 0.0) < moment:
            ctx.state.delete(str(item["name"]))
        else:
            items.append(item)
    return json_response(
        page_body(
            items, ctx.query, "cachedContents", kind="cachedContents", default=100, maximum=1000
        )
    )


@route("GET", "/v1beta/{name=cachedContents/*}", "cachedContents.get")
async def get(ctx: Ctx) -> web.StreamResponse:
    return json_response(_live(ctx.state, ctx.params["name"]))


@route("PATCH", "/v1beta/{cachedContent.name=cachedContents/*}", "cachedContents.patch")
async def patch(ctx: Ctx) -> web.StreamResponse:
    item = _live(ctx.state, ctx.params["name"])
    body = await ctx.json(required=True)
    fields = update_mask(ctx.query, body, ("ttl", "expireTime"))
    expires = _expiry({k: body[k] for k in fields if k in body})
    if expires is None:
        raise invalid("Only the expiration (ttl or expire_time) of a CachedContent can be updated.")
    item["expireTime"] = expires[1]
    item["updateTime"] = stamp()
    return json_response(item)


@route("DELETE", "/v1beta/{name=cachedContents/*}", "cachedContents.delete")
async def delete(ctx: Ctx) -> web.StreamResponse:
    _live(ctx.state, ctx.params["name"])
    ctx.state.delete(ctx.params["name"])
    return json_response({})
