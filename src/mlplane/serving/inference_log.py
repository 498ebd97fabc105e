"""The inference log: who called which model version, how it went, and sampled payloads.

The hot path only appends to an in-memory queue; a background thread writes what gathered
in batches, so a slow or unavailable database never delays an answer. When the queue is
full (the database is down for long) records are dropped and counted, not buffered forever.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.core.ids import new_id
from mlplane.serving import store
from mlplane.serving.tables import InferenceLogRow

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 1.0
MAX_BATCH = 500
MAX_PENDING = 100_000
PAYLOAD_ROWS = 100
REDACTED = "[redacted]"


@dataclass(frozen=True)
class InferenceRecord:
    project: str
    model: str
    version: str
    caller: str
    protocol: str
    status: int
    latency_ms: float
    rows: int
    error: str | None = None
    payload: dict[str, Any] | None = None
    shadow: bool = False


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _jsonable(value[:PAYLOAD_ROWS].tolist())
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value[:PAYLOAD_ROWS]]
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _redacted(value: Any, names: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if key.lower() in names else _redacted(item, names)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redacted(item, names) for item in value]
    return value


def payload(inputs: Any, outputs: Any, redact: Iterable[str] = ()) -> dict[str, Any]:
    """A sampled call's inputs and outputs as JSON (the first rows only).

    The value of every field named in `redact` (any case, at any depth: a column, a key of
    a record) becomes `[redacted]`, so it never reaches the database.
    """
    names = frozenset(name.lower() for name in redact)
    return {
        "inputs": _redacted(_jsonable(inputs), names),
        "outputs": _redacted(_jsonable(outputs), names),
    }


class InferenceLog:
    def __init__(self, db: Database, sample_rate: float = 0.0) -> None:
        self.db = db
        self.sample_rate = sample_rate
        self.dropped = 0
        self._pending: queue.Queue[InferenceRecord] = queue.Queue(maxsize=MAX_PENDING)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inference-log", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sampled(self, rate: float | None = None) -> bool:
        """Whether to keep this call's payload, at `rate` (None: the log's default rate)."""
        rate = self.sample_rate if rate is None else rate
        return rate > 0 and random.random() < rate

    def record(self, entry: InferenceRecord) -> None:
        try:
            self._pending.put_nowait(entry)
        except queue.Full:
            self.dropped += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def flush(self) -> int:
        """Write what is pending now; the number of records written."""
        entries: list[InferenceRecord] = []
        while len(entries) < MAX_BATCH:
            try:
                entries.append(self._pending.get_nowait())
            except queue.Empty:
                break
        if not entries:
            return 0
        now = utcnow()
        rows = [InferenceLogRow(id=new_id(), created_at=now, **entry.__dict__) for entry in entries]
        try:
            with self.db.write(bookkeeping=True) as session:
                store.add_inference_records(session, rows)
        except Exception:
            self.dropped += len(rows)
            logger.exception("could not write %d inference records", len(rows))
            return 0
        return len(rows)

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL):
            while self.flush() == MAX_BATCH:
                pass
        while self.flush():
            pass
