"""Pages and the async pager returned by every ``list`` method.

The pager knows nothing about HTTP: it is built over a *fetch* callback that takes a page
token (``None`` for the first page) and returns a :class:`Page`.

    pager = client.models.list(page_size=50)        # no await: nothing is sent yet
    async for model in pager: ...                   # every item, page after page
    async for page in pager.pages(): ...            # page by page
    first = await pager                             # just the first page
    models = await pager.to_list(limit=100)         # at most 100 items
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from contextlib import aclosing
from typing import Any, Generic, TypeVar

import attrs

from ._core.errors import GenlangError

__all__ = ["AsyncPager", "Page", "PaginationError"]

T = TypeVar("T")


class PaginationError(GenlangError):
    """The server returned a page token that was already used: following it would loop."""


@attrs.define
class Page(Generic[T]):
    """One page of a list response."""

    items: list[T]
    """The page's items (may be empty even when more pages follow)."""
    next_page_token: str | None = None
    """Token of the next page; ``None`` or ``""`` on the last page."""
    raw: Any = attrs.field(default=None, repr=False, eq=False)
    """The whole list response this page was made from (typed object or dict)."""

    @property
    def has_next_page(self) -> bool:
        """Whether another page follows."""
        return bool(self.next_page_token)


class AsyncPager(Generic[T]):
    """Lazily walks a paginated list; create it without awaiting, then iterate or await it.

    - ``async for item in pager`` yields every item across pages;
    - ``async for page in pager.pages()`` yields :class:`Page` objects;
    - ``await pager`` fetches and returns the first page;
    - ``await pager.to_list(limit=None)`` collects items.

    Each iteration starts again from the first page (a fresh request). Iteration stops at a
    page without a next token; a token that was already seen raises :class:`PaginationError`
    instead of looping forever.
    """

    __slots__ = ("_fetch", "_page_token")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[Page[T]]],
        *,
        page_token: str | None = None,
    ) -> None:
        """``fetch(token)`` returns the page for ``token`` (``None``: the first page).

        ``page_token`` resumes a listing from a token obtained earlier.
        """
        self._fetch = fetch
        self._page_token = page_token or None

    def __repr__(self) -> str:
        start = f" page_token={self._page_token!r}" if self._page_token else ""
        return f"<AsyncPager{start} fetch={self._fetch!r}>"

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._page_token).__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iter_items()

    async def _iter_items(self) -> AsyncGenerator[T, None]:
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield the pages one by one, fetching the next only when asked for it."""
        token = self._page_token
        seen: set[str] = set()
        if token:
            seen.add(token)
        while True:
            page = await self._fetch(token)
            yield page
            token = page.next_page_token
            if not token:
                return
            if token in seen:
                raise PaginationError(
                    f"the server returned page token {token!r} a second time; "
                    "stopping instead of fetching the same pages forever"
                )
            seen.add(token)

    async def to_list(self, limit: int | None = None) -> list[T]:
        """Collect the items into a list, stopping after ``limit`` items when given.

        No page beyond the one holding the ``limit``-th item is fetched.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0 or None, got {limit}")
        result: list[T] = []
        if limit == 0:
            return result
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                result.extend(page.items)
                if limit is not None and len(result) >= limit:
                    del result[limit:]
                    break
        return result
