"""Tests of Page and AsyncPager over a fake fetch callback."""

from __future__ import annotations

import gc

import pytest

from genlang_async._core.errors import GenlangError
from genlang_async._pagination import AsyncPager, Page, PaginationError

# Marked at module level (not only by conftest's late marking) so that parametrized async
# tests keep their parameters: anyio's plugin re-creates items it sees unmarked at collection.
pytestmark = pytest.mark.anyio


class FakeServer:
    """Serves ``pages`` (lists of items) with tokens "t1", "t2", ...; records each request."""

    def __init__(self, *pages: list[int], last_token: str | None = None) -> None:
        self.pages = pages
        self.last_token = last_token
        self.requests: list[str | None] = []

    async def fetch(self, token: str | None) -> Page[int]:
        self.requests.append(token)
        index = 0 if token is None else int(token[1:])
        if index >= len(self.pages):
            raise AssertionError(f"unexpected token {token!r}")
        more = index + 1 < len(self.pages)
        next_token = f"t{index + 1}" if more else self.last_token
        raw = {"items": self.pages[index], "nextPageToken": next_token}
        return Page(items=list(self.pages[index]), next_page_token=next_token, raw=raw)


async def test_iterates_all_items_across_pages() -> None:
    server = FakeServer([1, 2], [3], [4, 5, 6])
    pager = AsyncPager(server.fetch)
    assert [item async for item in pager] == [1, 2, 3, 4, 5, 6]
    assert server.requests == [None, "t1", "t2"]


async def test_creating_a_pager_sends_nothing() -> None:
    server = FakeServer([1])
    AsyncPager(server.fetch)
    assert server.requests == []


async def test_pages() -> None:
    server = FakeServer([1, 2], [], [3])  # an empty page in the middle does not stop the walk
    pages = [page async for page in AsyncPager(server.fetch).pages()]
    assert [page.items for page in pages] == [[1, 2], [], [3]]
    assert [page.next_page_token for page in pages] == ["t1", "t2", None]
    assert [page.has_next_page for page in pages] == [True, True, False]
    assert pages[0].raw == {"items": [1, 2], "nextPageToken": "t1"}


async def test_await_gives_first_page() -> None:
    server = FakeServer([1, 2], [3])
    page = await AsyncPager(server.fetch)
    assert page == Page([1, 2], "t1")
    assert server.requests == [None]


async def test_iterating_twice_restarts() -> None:
    server = FakeServer([1], [2])
    pager = AsyncPager(server.fetch)
    assert [item async for item in pager] == [1, 2]
    assert [item async for item in pager] == [1, 2]
    assert server.requests == [None, "t1", None, "t1"]


@pytest.mark.parametrize("last_token", [None, ""])
async def test_stops_on_empty_or_missing_token(last_token: str | None) -> None:
    server = FakeServer([1], [2], last_token=last_token)
    assert [item async for item in AsyncPager(server.fetch)] == [1, 2]
    assert server.requests == [None, "t1"]


async def test_single_empty_page() -> None:
    server = FakeServer([])
    assert [item async for item in AsyncPager(server.fetch)] == []
    assert await AsyncPager(server.fetch).to_list() == []


async def test_repeated_token_raises() -> None:
    async def fetch(token: str | None) -> Page[int]:
        return Page([1], "same")

    seen: list[int] = []

    async def walk() -> None:
        async for item in AsyncPager(fetch):
            seen.append(item)

    with pytest.raises(PaginationError, match="'same' a second time"):
        await walk()
    assert seen == [1, 1]  # the first page, then the page for "same", then the repeat


async def test_token_cycle_raises() -> None:
    tokens = {None: "a", "a": "b", "b": "a"}

    async def fetch(token: str | None) -> Page[str]:
        return Page([token or "-"], tokens[token])

    with pytest.raises(PaginationError, match="'a'"):
        await AsyncPager(fetch).to_list()


def test_pagination_error_is_a_genlang_error() -> None:
    assert issubclass(PaginationError, GenlangError)


async def test_resume_from_page_token() -> None:
    server = FakeServer([1], [2], [3])
    pager = AsyncPager(server.fetch, page_token="t1")
    assert [item async for item in pager] == [2, 3]
    assert (await pager).items == [2]
    assert server.requests == ["t1", "t2", "t1"]


async def test_resume_token_returned_again_raises() -> None:
    async def fetch(token: str | None) -> Page[int]:
        return Page([1], "start")

    with pytest.raises(PaginationError):
        await AsyncPager(fetch, page_token="start").to_list()


async def test_to_list_all() -> None:
    server = FakeServer([1, 2], [3], [4])
    assert await AsyncPager(server.fetch).to_list() == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("limit", "expected", "requests"),
    [
        (0, [], []),
        (1, [1], [None]),
        (2, [1, 2], [None]),
        (3, [1, 2, 3], [None, "t1"]),
        (10, [1, 2, 3, 4], [None, "t1", "t2"]),
    ],
)
async def test_to_list_limit_fetches_only_needed_pages(
    limit: int, expected: list[int], requests: list[str | None]
) -> None:
    server = FakeServer([1, 2], [3], [4])
    assert await AsyncPager(server.fetch).to_list(limit=limit) == expected
    assert server.requests == requests


async def test_to_list_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        await AsyncPager(FakeServer([1]).fetch).to_list(limit=-1)


async def test_break_early_fetches_no_more_pages() -> None:
    server = FakeServer([1, 2], [3], [4])
    async for item in AsyncPager(server.fetch):
        if item == 2:
            break
    gc.collect()
    assert server.requests == [None]


async def test_fetch_error_propagates() -> None:
    calls = 0

    async def fetch(token: str | None) -> Page[int]:
        nonlocal calls
        calls += 1
        if token == "t1":
            raise RuntimeError("boom")
        return Page([1], "t1")

    got: list[int] = []

    async def walk() -> None:
        async for item in AsyncPager(fetch):
            got.append(item)

    with pytest.raises(RuntimeError, match="boom"):
        await walk()
    assert got == [1]
    assert calls == 2


def test_page_equality_ignores_raw() -> None:
    assert Page([1], "t", raw={"a": 1}) == Page([1], "t", raw={"b": 2})
    assert Page([1]) != Page([1], "t")
    assert "raw" not in repr(Page([1], raw={"secret": 1}))


def test_repr() -> None:
    async def fetch(token: str | None) -> Page[int]:
        raise AssertionError

    assert repr(AsyncPager(fetch, page_token="abc")).startswith("<AsyncPager page_token='abc'")
