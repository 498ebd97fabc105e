"""Per-minute rollups of the inference log: what the control panel charts.

A pass sums the minutes between the watermark and the last finished minute, writes one row
per (project, model, version, minute) and moves the watermark, all in one transaction: a pass
that fails changes nothing, and a minute is summed once however often the loop runs. The
minutes a pass covers are rewritten whole, so running it again over them cannot double count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from mlplane.core.db import Database
from mlplane.core.ids import new_id
from mlplane.serving import rollup_store as store
from mlplane.serving.rollup_store import CallRow
from mlplane.serving.rollup_tables import InferenceRollupRow, RollupWatermarkRow

MINUTE = timedelta(minutes=1)
# The gateway stamps a call when its batch of log records is written (about a second after
# the answer) and the commit lands a little later still: a minute is summed only once no
# more of its calls can arrive.
SETTLE = timedelta(seconds=30)
# Catching up after downtime goes in bounded steps, so one pass holds little in memory and
# the worker's other loops keep their turn.
MINUTES_PER_PASS = 10
PASSES_PER_RUN = 6
WATERMARK = "inference-log"


@dataclass(frozen=True)
class MinuteStats:
    requests: int
    errors: int
    client_errors: int
    rows: int
    latency_mean_ms: float
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float


# The key of one rollup: (project, model, version, minute).
RollupKey = tuple[str, str, str, datetime]


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def summarize(calls: Sequence[tuple[int, float, int]]) -> MinuteStats:
    """Counts and latency percentiles of (status, latency_ms, rows) calls (at least one)."""
    statuses = np.array([status for status, _, _ in calls])
    latencies = np.array([latency for _, latency, _ in calls], dtype=np.float64)
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    return MinuteStats(
        requests=len(calls),
        errors=int((statuses >= 500).sum()),
        client_errors=int(((statuses >= 400) & (statuses < 500)).sum()),
        rows=sum(rows for _, _, rows in calls),
        latency_mean_ms=float(latencies.mean()),
        latency_p50_ms=float(p50),
        latency_p95_ms=float(p95),
        latency_p99_ms=float(p99),
    )


def summarize_by_minute(calls: Iterable[CallRow]) -> dict[RollupKey, MinuteStats]:
    grouped: dict[RollupKey, list[tuple[int, float, int]]] = defaultdict(list)
    for project, model, version, created_at, status, latency, rows in calls:
        grouped[(project, model, version, floor_minute(created_at))].append((status, latency, rows))
    return {key: summarize(items) for key, items in grouped.items()}


def _rows(stats: dict[RollupKey, MinuteStats]) -> list[InferenceRollupRow]:
    return [
        InferenceRollupRow(
            id=new_id(),
            project=project,
            model=model,
            version=version,
            minute=minute,
            **vars(item),
        )
        for (project, model, version, minute), item in stats.items()
    ]


def roll_up_once(db: Database, now: datetime) -> int:
    """Sum up to `MINUTES_PER_PASS` finished minutes; how many minutes were summed."""
    settled = floor_minute(now - SETTLE)
    with db.write(bookkeeping=True) as session:
        # The lock makes a second worker wait, then see the moved watermark.
        mark = store.get_watermark(session, WATERMARK, for_update=True)
        if mark is None:
            first = store.first_call_time(session)
            start = settled if first is None else min(floor_minute(first), settled)
            mark = RollupWatermarkRow(name=WATERMARK, rolled_until=start, updated_at=now)
            session.add(mark)
        start = mark.rolled_until
        end = min(settled, start + MINUTE * MINUTES_PER_PASS)
        if end <= start:
            return 0
        stats = summarize_by_minute(store.list_calls(session, start, end))
        store.replace_rollups(session, start, end, _rows(stats))
        mark.rolled_until = end
        mark.updated_at = now
        return (end - start) // MINUTE


def roll_up(db: Database, now: datetime) -> int:
    """Sum the finished minutes not summed yet, a bounded number per call; how many."""
    total = 0
    for _ in range(PASSES_PER_RUN):
        summed = roll_up_once(db, now)
        total += summed
        if summed < MINUTES_PER_PASS:
            break
    return total
