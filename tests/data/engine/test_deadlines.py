from __future__ import annotations

import time

import duckdb
import pytest

from mlplane.data.engine.deadlines import DeadlineWatcher

ENDLESS = "SELECT count(*) FROM range(100000000000) AS a(x) WHERE x % 7 = 3"


def test_watcher_interrupts_only_the_query_past_its_deadline() -> None:
    watcher = DeadlineWatcher()
    late, early = duckdb.connect(), duckdb.connect()
    with watcher.watch(late, 60) as late_fired:
        with watcher.watch(early, 0.2) as early_fired, pytest.raises(duckdb.InterruptException):
            early.execute(ENDLESS).fetchall()
        assert late.execute("SELECT 42").fetchall() == [(42,)]
    assert early_fired.is_set()
    assert not late_fired.is_set()


def test_watcher_leaves_finished_query_alone() -> None:
    watcher = DeadlineWatcher()
    connection = duckdb.connect()
    with watcher.watch(connection, 0.1) as fired:
        connection.execute("SELECT 1").fetchall()
    time.sleep(0.3)
    assert not fired.is_set()
    assert connection.execute("SELECT 2").fetchall() == [(2,)]
