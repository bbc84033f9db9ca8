"""``AsyncPager`` over real HTTP: items across pages, pages, the first page, restarts, and
per-call options carried to every page."""

from __future__ import annotations

from genlang_async import AsyncPager, Client, Page
from genlang_async import types as T
from genlang_async.emulator import Emulator, Fault

TOTAL_MODELS = 61  # the emulator's catalogue


def list_queries(emu: Emulator) -> list[dict[str, str]]:
    return [e["query"] for e in emu.request_log if e.get("route") == "models.list"]


async def test_items_across_pages(client: Client, emulator: Emulator) -> None:
    pager = client.models.list(page_size=7)
    assert isinstance(pager, AsyncPager)
    assert emulator.request_log == []  # nothing sent before iterating
    names = [model.name async for model in pager]
    assert len(names) == len(set(names)) == TOTAL_MODELS
    queries = list_queries(emulator)
    assert len(queries) == 9  # 8 full pages and 3 left over
    assert all(q["pageSize"] == "7" for q in queries)
    assert "pageToken" not in queries[0]
    assert all("pageToken" in q for q in queries[1:])


async def test_pages(client: Client, emulator: Emulator) -> None:
    pages = [page async for page in client.models.list(page_size=21).pages()]
    assert [len(p.items) for p in pages] == [21, 21, 19]
    assert [p.has_next_page for p in pages] == [True, True, False]
    assert all(isinstance(p, Page) for p in pages)
    assert isinstance(pages[0].raw, T.ListModelsResponse)
    assert all(isinstance(m, T.Model) for p in pages for m in p.items)


async def test_await_gives_the_first_page_only(client: Client, emulator: Emulator) -> None:
    page = await client.models.list(page_size=5)
    assert len(page.items) == 5
    assert page.next_page_token
    assert len(list_queries(emulator)) == 1
    # resuming from that token gives the rest
    rest = await client.models.list(page_size=50, page_token=page.next_page_token).to_list()
    assert len(rest) == TOTAL_MODELS - 5


async def test_iterating_twice_restarts(client: Client, emulator: Emulator) -> None:
    pager = client.models.list(page_size=31)
    first = [m.name async for m in pager]
    second = [m.name async for m in pager]
    assert first == second
    queries = list_queries(emulator)
    assert len(queries) == 4
    assert "pageToken" not in queries[2]


async def test_to_list_with_a_limit_fetches_only_what_it_needs(
    client: Client, emulator: Emulator
) -> None:
    models = await client.models.list(page_size=10).to_list(limit=15)
    assert len(models) == 15
    assert len(list_queries(emulator)) == 2


async def test_breaking_out_stops_fetching(client: Client, emulator: Emulator) -> None:
    async for _ in client.models.list(page_size=10):
        break
    assert len(list_queries(emulator)) == 1
    assert client.connections_in_use == 0


async def test_request_options_reach_every_page(client: Client, emulator: Emulator) -> None:
    # a zero-delay fault that only matches requests carrying the header counts them
    marker = emulator.faults.add(
        Fault("delay", "/v1beta/models", times=1000, headers={"x-trace": "abc"})
    )
    models = await client.models.list(
        page_size=11, extra_headers={"X-Trace": "abc"}, extra_query={"q": "1"}, timeout=5
    ).to_list()
    assert len(models) == TOTAL_MODELS
    queries = list_queries(emulator)
    assert len(queries) == 6
    assert marker.hits == 6
    assert all(q["q"] == "1" for q in queries)


async def test_pager_over_other_collections(client: Client, emulator: Emulator) -> None:
    for index in range(12):
        await client.corpora.create(display_name=f"c{index}")
    corpora = [c async for c in client.corpora.list(page_size=5)]
    assert len(corpora) == 12
    assert all(isinstance(c, T.Corpus) for c in corpora)
    assert len([e for e in emulator.request_log if e.get("route") == "corpora.list"]) == 3
