"""Metrics logged from a training loop, sent in batches by a background thread.

`log_metric` only appends to a list, so a loop pays microseconds per call. The thread sends
a batch as soon as `max_size` entries wait, or every `interval` seconds otherwise. `flush()`
waits until everything logged before it has been sent; a failed send is raised there (and
by the next `add`), never swallowed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from mlplane.tracking.limits import NATIVE_MAX_METRICS_PER_BATCH

Entry = dict[str, Any]


class MetricBuffer:
    def __init__(
        self,
        send: Callable[[list[Entry]], None],
        *,
        max_size: int = NATIVE_MAX_METRICS_PER_BATCH,
        interval: float = 1.0,
        name: str = "mlplane-metrics",
    ) -> None:
        self._send = send
        self._max_size = max_size
        self._interval = interval
        self._pending: list[Entry] = []
        self._sending = False
        self._flushing = 0
        self._closed = False
        self._error: BaseException | None = None
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def add(self, entries: list[Entry]) -> None:
        self._raise_error()
        with self._condition:
            if self._closed:
                raise RuntimeError("metrics cannot be logged after the run has ended")
            self._pending.extend(entries)
            if len(self._pending) >= self._max_size:
                self._condition.notify_all()

    def _ready(self) -> bool:
        return (
            self._closed
            or len(self._pending) >= self._max_size
            or bool(self._flushing and self._pending)
        )

    def _next_batch(self) -> list[Entry] | None:
        """Wait for a batch to send; None when closed and drained."""
        with self._condition:
            deadline = time.monotonic() + self._interval
            while not self._ready():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
            if not self._pending:
                return None if self._closed else []
            batch = self._pending[: self._max_size]
            del self._pending[: self._max_size]
            self._sending = True
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            if not batch:
                continue
            try:
                self._send(batch)
            except BaseException as error:
                with self._condition:
                    self._error = self._error or error
            finally:
                with self._condition:
                    self._sending = False
                    self._condition.notify_all()

    def _raise_error(self) -> None:
        with self._condition:
            error, self._error = self._error, None
        if error is not None:
            raise error

    def flush(self) -> None:
        """Send everything logged so far; raise if any send failed."""
        with self._condition:
            self._flushing += 1
            self._condition.notify_all()
            try:
                while (self._pending or self._sending) and self._thread.is_alive():
                    if self._error is not None:
                        break
                    self._condition.wait(0.5)
            finally:
                self._flushing -= 1
        self._raise_error()

    def close(self) -> None:
        """Flush, then stop the thread; later `add` calls raise."""
        try:
            self.flush()
        finally:
            with self._condition:
                self._closed = True
                self._pending.clear()
                self._condition.notify_all()
            self._thread.join(timeout=30)
