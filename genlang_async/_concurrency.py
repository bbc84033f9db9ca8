"""Bounded-concurrency ``map`` for batch scripts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sized
from typing import Literal, TypeVar, overload

import anyio

__all__ = ["map_concurrently"]

T = TypeVar("T")
R = TypeVar("R")


@overload
async def map_concurrently(
    func: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    concurrency: int = ...,
    progress: Callable[[int, int | None], object] | None = ...,
    return_exceptions: Literal[False] = ...,
) -> list[R]: ...


@overload
async def map_concurrently(
    func: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    concurrency: int = ...,
    progress: Callable[[int, int | None], object] | None = ...,
    return_exceptions: bool,
) -> list[R | Exception]: ...


async def map_concurrently(
    func: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    concurrency: int = 16,
    progress: Callable[[int, int | None], object] | None = None,
    return_exceptions: bool = False,
) -> list[R] | list[R | Exception]:
    """Run ``await func(item)`` for every item, at most ``concurrency`` at a time.

    Returns the results in the order of ``items``. ``concurrency`` workers pull items from
    the iterable as they go, so a huge (or lazy) iterable is never turned into coroutines up
    front. ``progress(done, total)`` is called after each call completes; ``total`` is
    ``len(items)`` when ``items`` has a length, else ``None``.

    Errors: with ``return_exceptions=False`` (the default) the first exception raised by
    ``func`` (or by the iterable, or by ``progress``) cancels the calls still running and is
    re-raised **as is** (not wrapped in an ``ExceptionGroup``), so ``except RateLimitError``
    works; exceptions raised by other calls while they are being cancelled are dropped. With
    ``return_exceptions=True`` an :class:`Exception` raised by ``func`` takes the place of its
    result and the other calls go on; ``BaseException``\\ s (cancellation,
    ``KeyboardInterrupt``) always propagate.

    Example::

        async def summarize(doc: str) -> str:
            r = await client.models.generate_content("gemini-2.5-flash", contents=doc)
            return r.text

        summaries = await map_concurrently(
            summarize, docs, concurrency=8, progress=lambda done, total: print(done, "/", total)
        )
    """
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
    total = len(items) if isinstance(items, Sized) else None
    if total == 0:
        return []
    workers = concurrency if total is None else min(concurrency, total)
    source = enumerate(items)
    results: dict[int, R | Exception] = {}
    done = 0
    failure: list[BaseException] = []
    cancelled = anyio.get_cancelled_exc_class()

    async def worker() -> None:
        nonlocal done
        try:
            for index, item in source:  # shared iterator: each item goes to one worker
                try:
                    value: R | Exception = await func(item)
                except Exception as exc:
                    if not return_exceptions:
                        raise
                    value = exc
                results[index] = value
                done += 1
                if progress is not None:
                    progress(done, total)
        except cancelled:
            raise
        except BaseException as exc:
            if not failure:
                failure.append(exc)
                group.cancel_scope.cancel()

    async with anyio.create_task_group() as group:
        for _ in range(workers):
            group.start_soon(worker)
    if failure:
        error = failure.pop()
        try:
            raise error  # the original exception, not an ExceptionGroup
        finally:
            del error  # no reference cycle through the traceback
    return [results[i] for i in range(len(results))]
