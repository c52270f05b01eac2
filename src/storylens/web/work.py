"""Heavy work kept apart from light pages: a bounded pool and a bounded queue.

A story report (the whole compare of a story's articles) takes seconds of CPU; the story
list takes milliseconds. Both used to share the one thread pool of the server, so 200
uncached story pages held every thread and a plain ``GET /`` waited behind them. Now
heavy work runs in at most ``workers`` threads of its own; requests waiting for one are
coroutines, not threads, so light pages always find a thread. At most ``queue``
requests may wait; more get 503 with ``Retry-After`` (the JSON error shape), so a flood
of heavy requests is refused quickly instead of queueing without end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import anyio

T = TypeVar("T")

# Story reports computed at once. Each holds a core while it parses and embeds; with two
# cores, one leaves the other to the light pages (benchmarks/results/robustness.md).
DEFAULT_WORKERS = max(1, (os.cpu_count() or 2) // 2)
DEFAULT_QUEUE = 256


class Busy(Exception):
    """Too many heavy requests are waiting already."""

    def __init__(self, waiting: int, retry_after: int) -> None:
        super().__init__(f"{waiting} reports are being prepared; try again in {retry_after} s")
        self.retry_after = retry_after


class HeavyWork:
    """Run blocking, CPU-heavy functions in a bounded pool with a bounded queue."""

    def __init__(self, workers: int = DEFAULT_WORKERS, queue: int = DEFAULT_QUEUE) -> None:
        self.workers = max(1, workers)
        self.queue = max(0, queue)
        self._limiter: anyio.CapacityLimiter | None = None
        self.waiting = 0  # running or waiting; touched only from the event loop

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made in the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the heavy pool; raises :class:`Busy` when the queue is full."""
        if self.waiting >= self.workers + self.queue:
            raise Busy(self.waiting, retry_after=max(1, self.waiting // self.workers))
        self.waiting += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)
        finally:
            self.waiting -= 1


__all__ = ["DEFAULT_QUEUE", "DEFAULT_WORKERS", "Busy", "HeavyWork"]
