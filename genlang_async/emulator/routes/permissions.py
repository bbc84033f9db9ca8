"""Permissions on tuned models and corpora."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator._crud import update_mask
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._wire import JSON

_ROLES = ("OWNER", "WRITER", "READER")
_GRANTEES = ("USER", "GROUP", "EVERYONE")
_PARENTS = {"tunedModels": "Tuned model", "corpora": "Corpus"}


def _validate(body: JSON) -> None:
    if body.get("role") not in _ROLES:
        raise invalid("* Permission.role: role must be OWNER, WRITER or READER\n")
    grantee = body.get("granteeType", "USER")
    if grantee not in _GRANTEES:
        raise invalid("* Permission.grantee_type: must be USER, GROUP or EVERYONE\n")
    email = body.get("emailAddress")
    if grantee == "EVERYONE" and email:
        raise invalid("* Permission.email_address: must be empty for grantee_type EVERYONE\n")
    if grantee != "EVERYONE" and not (isinstance(email, str) and "@" in email):
        raise invalid("* Permission.email_address: required for USER and GROUP grantees\n")


def _parent(ctx: Ctx) -> str:
    parent = ctx.params["parent"]
    ctx.state.get(parent, _PARENTS[parent.split("/")[0]])
    return parent


async def create(ctx: Ctx) -> web.StreamResponse:
    parent = _parent(ctx)
    body = await ctx.json(required=True)
    _validate(body)
    name = ctx.state.unique_name(f"{parent}/permissions")
    item: dict[str, Any] = {"name": name, "granteeType": body.get("granteeType", "USER")}
    if body.get("emailAddress"):
        item["emailAddress"] = body["emailAddress"]
    item["role"] = body["role"]
    return json_response(ctx.state.put(item))


async def list_permissions(ctx: Ctx) -> web.StreamResponse:
    parent = _parent(ctx)
    items = ctx.state.children(parent, "permissions")
    return json_response(
        page_body(
            items, ctx.query, "permissions", kind=f"{parent}/permissions", default=10, maximum=1000
        )
    )


async def get(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Permission"))


async def patch(ctx: Ctx) -> web.StreamResponse:
    item = ctx.state.get(ctx.params["name"], "Permission")
    body = await ctx.json(required=True)
    if "role" in update_mask(ctx.query, body, ("role",)):
        if body.get("role") not in _ROLES:
            raise invalid("* Permission.role: role must be OWNER, WRITER or READER\n")
        item["role"] = body["role"]
    return json_response(item)


async def delete(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Permission")
    ctx.state.delete(ctx.params["name"])
    return json_response({})


for _parent_kind in ("tunedModels", "corpora"):
    _res = f"{_parent_kind}.permissions"
    route("POST", f"/v1beta/{{parent={_parent_kind}/*}}/permissions", f"{_res}.create")(create)
    route("GET", f"/v1beta/{{parent={_parent_kind}/*}}/permissions", f"{_res}.list")(
        list_permissions
    )
    route("GET", f"/v1beta/{{name={_parent_kind}/*/permissions/*}}", f"{_res}.get")(get)
    route("PATCH", f"/v1beta/{{permission.name={_parent_kind}/*/permissions/*}}", f"{_res}.patch")(
        patch
    )
    route("DELETE", f"/v1beta/{{name={_parent_kind}/*/permissions/*}}", f"{_res}.delete")(delete)
