"""Query time limits: one watcher thread interrupts the connections whose time is up.

A timer thread per query costs a thread start on every query, a large share of a short
one on a loaded machine; a single watcher keeps every deadline in a heap instead.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb


@dataclass(order=True)
class _Deadline:
    due: float
    order: int
    connection: duckdb.DuckDBPyConnection | None = field(compare=False)
    fired: threading.Event = field(compare=False, default_factory=threading.Event)
    done: bool = field(compare=False, default=False)


class DeadlineWatcher:
    def __init__(self) -> None:
        self._heap: list[_Deadline] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._watch, name="duckdb-deadlines", daemon=True
            )
            self._thread.start()

    def _watch(self) -> None:
        with self._condition:
            while True:
                while self._heap and self._heap[0].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._condition.wait()
                    continue
                wait = self._heap[0].due - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                expired = heapq.heappop(self._heap)
                expired.fired.set()
                if expired.connection is not None:
                    expired.connection.interrupt()

    @contextmanager
    def watch(
        self, connection: duckdb.DuckDBPyConnection, seconds: float
    ) -> Iterator[threading.Event]:
        """Interrupt `connection` if the block runs past `seconds`; the event says it did."""
        deadline = _Deadline(time.monotonic() + seconds, next(self._order), connection)
        with self._condition:
            self._start()
            heapq.heappush(self._heap, deadline)
            if self._heap[0] is deadline:
                self._condition.notify()
        try:
            yield deadline.fired
        finally:
            with self._condition:
                # Dropped from the heap lazily by the watcher; marking it disarms it, and the
                # connection is let go at once.
                deadline.done = True
                deadline.connection = None


DEADLINES = DeadlineWatcher()
