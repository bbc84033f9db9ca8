"""``with_raw_response`` for every method of every namespace: each case of
``test_every_method`` runs again with every coroutine method called through
``namespace.with_raw_response`` (the result comes from ``parse()``), and every method that
returns a pager or a stream is also called through it afterwards."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from genlang_async import APIResponse, AsyncPager, Client, GenerateContentStream, Page
from genlang_async.emulator import Emulator
from genlang_async.resources._base import Resource

from .conftest import GENERATED, World
from .test_every_method import CASES


def snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Checks:
    def __init__(self) -> None:
        self.called: set[str] = set()
        self.later: list[Callable[[], Awaitable[None]]] = []

    def check(self, raw: Any, method_id: str) -> None:
        assert isinstance(raw, APIResponse), raw
        assert raw.status in range(200, 300), (method_id, raw)
        assert raw.headers.get("content-type"), (method_id, dict(raw.headers))
        assert raw.retries == 0
        assert raw.elapsed > 0
        assert raw.method in ("GET", "POST", "PATCH", "DELETE")
        assert str(raw.path).startswith("/")
        self.called.add(method_id)

    async def open_later(
        self, raw_method: Any, method_id: str, args: Any, kwargs: dict[str, Any]
    ) -> None:
        raw = await raw_method(*args, **kwargs)
        self.check(raw, method_id)
        opened = raw.parse()
        if isinstance(opened, GenerateContentStream):
            assert opened.status == raw.status
            assert opened.headers == raw.headers
            async with opened:
                assert [chunk async for chunk in opened]
        else:
            assert isinstance(opened, Page)


class RawNamespace:
    """A namespace whose methods all go through ``with_raw_response``."""

    def __init__(self, target: Any, path: str, checks: Checks) -> None:
        self._target = target
        self._path = path
        self._checks = checks

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        method_id = f"{self._path}.{name}".lstrip(".")
        if isinstance(value, Resource):
            return RawNamespace(value, method_id, self._checks)
        if not isinstance(self._target, Resource) or not callable(value):
            return value
        raw_method = getattr(self._target.with_raw_response, name)
        checks = self._checks

        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if isinstance(result, (AsyncPager, GenerateContentStream)):
                # Sent when iterated; the same call goes through with_raw_response after.
                checks.later.append(lambda: checks.open_later(raw_method, method_id, args, kwargs))
                return result
            result.close()  # a coroutine: call it through with_raw_response instead

            async def through_raw() -> Any:
                raw = await raw_method(*args, **kwargs)
                checks.check(raw, method_id)
                return raw.parse()

            return through_raw()

        return call


@pytest.mark.parametrize("method_id", sorted(GENERATED))
async def test_method_through_with_raw_response(
    method_id: str, client: Client, emulator: Emulator
) -> None:
    checks = Checks()
    world = World(RawNamespace(client, "", checks), emulator)  # type: ignore[arg-type]
    await CASES[method_id](world)
    for later in checks.later:
        await later()
    expected = ".".join(snake(part) for part in method_id.split("."))
    assert expected in checks.called, sorted(checks.called)
    failed = [e for e in emulator.request_log if (e["status"] or 500) >= 400]
    assert not failed, failed
    assert client.connections_in_use == 0


def test_raw_namespace_lists_methods_and_refuses_the_rest(client: Client) -> None:
    raw = client.tuned_models.with_raw_response
    assert "create" in dir(raw)
    assert "permissions" not in dir(raw)
    with pytest.raises(AttributeError, match=r"permissions\.with_raw_response"):
        raw.permissions  # noqa: B018
    with pytest.raises(AttributeError):
        raw._call  # noqa: B018
    assert "with_raw_response of" in repr(raw)


def _namespaces(namespace: Resource, path: str) -> list[tuple[str, Resource]]:
    found = [(path, namespace)]
    for name in dir(namespace):
        value = getattr(namespace, name) if not name.startswith("_") else None
        if isinstance(value, Resource):
            found += _namespaces(value, f"{path}.{name}")
    return found


def test_every_raw_method_is_declared_for_type_checkers(client: Client) -> None:
    """Each namespace's ``with_raw_response`` lists each of its methods through ``raw`` /
    ``raw_stream`` (what mypy reads), not only through ``__getattr__`` (typed ``Any``); the
    listed attribute calls the namespace's own method."""
    top = [
        (f"client.{name}", value)
        for name in dir(client)
        if not name.startswith("_") and isinstance(value := getattr(client, name), Resource)
    ]
    undeclared = []
    for path, namespace in [found for p, ns in top for found in _namespaces(ns, p)]:
        raw = namespace.with_raw_response
        declared = {name for cls in type(raw).__mro__ for name in vars(cls)}
        undeclared += [f"{path}.{name}" for name in dir(raw) if name not in declared]
    assert undeclared == []
    generate = client.models.with_raw_response.generate_content
    assert generate.__name__ == "generate_content"
    assert "response_schema" in (generate.__doc__ or "")  # the hand-written method's


async def test_declared_raw_method_runs_the_namespace_method(client: Client) -> None:
    raw = await client.models.with_raw_response.generate_content(
        "gemini-2.5-flash", contents="Hi", response_schema=int
    )
    assert isinstance(raw, APIResponse)
    assert raw.status == 200
    assert isinstance(raw.parse().parsed, int)
