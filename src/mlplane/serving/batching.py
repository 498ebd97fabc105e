"""Adaptive batching per model version, with load shedding and timeouts.

Requests for one model version wait in a bounded queue. A collector takes the first request,
then keeps taking more until the batch holds `max_batch_size` rows or `max_wait_ms` has
passed, concatenates them and calls the model on a thread of the version's own pool (so a
slow or hung model never blocks the event loop nor another model's pool). Each request gets
its own rows back.

- A full queue answers at once with `Overloaded` (503 with `Retry-After`): shedding load
  early keeps the latency of admitted requests bounded.
- `max_concurrency` batches run at a time; a batch holds its slot until its thread really
  returns, so a hung model fills its own queue and sheds, and nothing else.
- A request waits at most `timeout_s` in all (queue and model) before `ModelTimeout`.
- Waiting is adaptive: a request that finds the queue empty while requests arrive further
  apart than `max_wait_ms` (a quiet model) goes to the model at once, since no partner for
  it is likely to come; the wait pays off only under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlplane.registry.packaging.batch import PREDICTION, ModelInput
from mlplane.serving.errors import ModelFailed, ModelTimeout, Overloaded
from mlplane.serving.metrics import BATCH_SIZE, QUEUE_TIME

Outputs = dict[str, np.ndarray[Any, Any]]
# Weight of the newest gap between two arrivals in their running average.
ARRIVAL_SMOOTHING = 0.2
ModelCall = Callable[[Any], Any]


@dataclass(frozen=True)
class BatchingPolicy:
    max_batch_size: int = 32
    max_wait_ms: float = 2.0
    max_queue: int = 256
    max_concurrency: int = 1
    timeout_s: float = 30.0


@dataclass
class _Pending:
    batch: ModelInput
    rows: int
    key: tuple[Any, ...]
    future: asyncio.Future[Outputs]
    enqueued: float = field(default_factory=time.perf_counter)


def _key(batch: ModelInput) -> tuple[Any, ...]:
    """Requests merge only when their columns (or tensor) have the same names and layout."""
    if batch.tensor is not None:
        return ("tensor", batch.tensor.dtype.str, batch.tensor.shape[1:])
    columns = batch.columns or {}
    return tuple((name, array.dtype.str, array.shape[1:]) for name, array in columns.items())


def _merge(items: list[_Pending]) -> Any:
    if len(items) == 1:
        only = items[0].batch
        return only.tensor if only.tensor is not None else only.columns
    first = items[0].batch
    if first.tensor is not None:
        return np.concatenate([item.batch.tensor for item in items])  # type: ignore[misc]
    names = list(first.columns or {})
    return {
        name: np.concatenate([item.batch.columns[name] for item in items])  # type: ignore[index]
        for name in names
    }


def _as_outputs(raw: Any) -> Outputs:
    if isinstance(raw, dict):
        return {str(name): np.asarray(values) for name, values in raw.items()}
    return {PREDICTION: np.asarray(raw)}


def _split(outputs: Outputs, items: list[_Pending]) -> list[Outputs]:
    total = sum(item.rows for item in items)
    for name, array in outputs.items():
        if array.ndim == 0 or len(array) != total:
            raise ModelFailed(
                f"the model answered {array.shape[0] if array.ndim else 0} rows of output "
                f"{name!r} for {total} rows of input"
            )
    if len(items) == 1:
        return [outputs]
    bounds = np.cumsum([item.rows for item in items])[:-1]
    pieces = {name: np.split(array, bounds) for name, array in outputs.items()}
    return [{name: parts[index] for name, parts in pieces.items()} for index in range(len(items))]


class Batcher:
    def __init__(self, model: str, version: str, call: ModelCall, policy: BatchingPolicy) -> None:
        self.model = model
        self.version = version
        self.policy = policy
        self._call = call
        self._queue: asyncio.Queue[_Pending] | None = None
        self._held: deque[_Pending] = deque()
        self._slots: asyncio.Semaphore | None = None
        self._executor = ThreadPoolExecutor(
            max_workers=policy.max_concurrency, thread_name_prefix=f"model-{model}-{version}"
        )
        self._collector: asyncio.Task[None] | None = None
        # Seconds between arrivals, smoothed: how long a partner for a request would take.
        self._arrival_gap = float("inf")
        self._last_arrival: float | None = None

    def start(self) -> None:
        self._queue = asyncio.Queue(maxsize=self.policy.max_queue)
        self._slots = asyncio.Semaphore(self.policy.max_concurrency)
        self._collector = asyncio.create_task(self._collect())

    async def stop(self) -> None:
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        # A hung model's thread cannot be killed; do not wait for it.
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def run_direct(self, inputs: Any) -> Any:
        """One call outside the queue (warm-up), on the version's own threads."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(
            loop.run_in_executor(self._executor, self._call, inputs), self.policy.timeout_s
        )

    @property
    def queued(self) -> int:
        return (self._queue.qsize() if self._queue is not None else 0) + len(self._held)

    async def submit(self, batch: ModelInput) -> Outputs:
        assert self._queue is not None, "the batcher has not been started"
        future: asyncio.Future[Outputs] = asyncio.get_running_loop().create_future()
        pending = _Pending(batch, batch.rows(), _key(batch), future)
        self._note_arrival(pending.enqueued)
        try:
            self._queue.put_nowait(pending)
        except asyncio.QueueFull:
            raise Overloaded(
                f"model {self.model!r} version {self.version!r} has {self.policy.max_queue} "
                "requests waiting; try again shortly",
                headers={"Retry-After": "1"},
            ) from None
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.policy.timeout_s)
        except TimeoutError:
            future.cancel()
            raise ModelTimeout(
                f"model {self.model!r} version {self.version!r} did not answer within "
                f"{self.policy.timeout_s:g}s"
            ) from None

    def _note_arrival(self, now: float) -> None:
        last, self._last_arrival = self._last_arrival, now
        if last is None:
            return
        # Gaps are capped so that a burst after a quiet hour is recognised within a few calls.
        gap = min(now - last, 10 * self.policy.max_wait_ms / 1000)
        if self._arrival_gap == float("inf"):
            self._arrival_gap = gap
        else:
            self._arrival_gap += ARRIVAL_SMOOTHING * (gap - self._arrival_gap)

    async def _next(self) -> _Pending:
        assert self._queue is not None
        if self._held:
            return self._held.popleft()
        return await self._queue.get()

    async def _collect(self) -> None:
        assert self._queue is not None
        assert self._slots is not None
        while True:
            # Wait for a free slot first: while the model is busy, requests pile up in the
            # queue and leave it together as the next batch.
            await self._slots.acquire()
            first = await self._next()
            while first.future.done():
                first = await self._next()
            items = [first]
            rows = first.rows
            wait = self.policy.max_wait_ms / 1000
            if self._queue.empty() and self._arrival_gap > wait:
                wait = 0.0
            deadline = time.perf_counter() + wait
            while rows < self.policy.max_batch_size:
                try:
                    candidate = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        break
                    try:
                        candidate = await asyncio.wait_for(self._queue.get(), remaining)
                    except TimeoutError:
                        break
                if candidate.future.done():
                    continue
                if candidate.key != first.key or rows + candidate.rows > self.policy.max_batch_size:
                    self._held.append(candidate)
                    break
                items.append(candidate)
                rows += candidate.rows
            self._dispatch(items, rows)

    def _dispatch(self, items: list[_Pending], rows: int) -> None:
        assert self._slots is not None
        started = time.perf_counter()
        for item in items:
            QUEUE_TIME.labels(self.model, self.version).observe(started - item.enqueued)
        BATCH_SIZE.labels(self.model, self.version).observe(rows)
        loop = asyncio.get_running_loop()
        merged = _merge(items)
        work = loop.run_in_executor(self._executor, self._call, merged)
        slots = self._slots

        def finished(done: asyncio.Future[Any]) -> None:
            slots.release()
            error = None if done.cancelled() else done.exception()
            try:
                parts = _split(_as_outputs(done.result()), items) if error is None else None
            except Exception as split_error:
                error, parts = split_error, None
            for index, item in enumerate(items):
                if item.future.done():
                    continue
                if parts is not None:
                    item.future.set_result(parts[index])
                else:
                    item.future.set_exception(error or ModelFailed("the model call was cancelled"))

        work.add_done_callback(finished)
