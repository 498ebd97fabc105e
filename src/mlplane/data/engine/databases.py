"""In-memory DuckDB databases: opened ahead of need, closed off the request's path."""

from __future__ import annotations

import atexit
import queue
import threading
from typing import Any

import duckdb

CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    # Never let SQL see the server's own Python variables by name.
    "python_enable_replacements": False,
}


def new_database() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:", config=CONFIG)
    connection.execute("SET TimeZone = 'UTC'")
    return connection


class DatabasePool:
    """Opening an in-memory DuckDB costs some 20 ms and closing one some 10 ms, a large share
    of a short query; a side thread keeps a few fresh, unconfigured ones ready and closes the
    used ones, so a query rarely waits for either. Each database serves one sandbox only."""

    def __init__(self, size: int) -> None:
        self._ready: queue.Queue[duckdb.DuckDBPyConnection] = queue.Queue(maxsize=size)
        self._used: queue.Queue[duckdb.DuckDBPyConnection] = queue.Queue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _work(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            self._close_used()
            while not self._stop.is_set() and not self._ready.full():
                self._ready.put(new_database())

    def _close_used(self) -> None:
        while True:
            try:
                self._used.get_nowait().close()
            except queue.Empty:
                return

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="duckdb-pool", daemon=True)
                self._thread.start()
                atexit.register(self.stop)

    def take(self) -> duckdb.DuckDBPyConnection:
        self._start()
        self._wake.set()
        try:
            return self._ready.get_nowait()
        except queue.Empty:
            return new_database()

    def give_back(self, connection: duckdb.DuckDBPyConnection) -> None:
        """A used database, to be closed off the request's path."""
        if self._stop.is_set():
            connection.close()
            return
        self._used.put(connection)
        self._wake.set()

    def stop(self) -> None:
        # DuckDB must not be opening a database while the interpreter shuts down.
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._close_used()
        while True:
            try:
                self._ready.get_nowait().close()
            except queue.Empty:
                return


POOL = DatabasePool(size=2)


class Parser:
    """One empty, locked database shared for parsing: each call gets its own cursor."""

    def __init__(self) -> None:
        self._database: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._database is None:
                database = new_database()
                database.execute("SET enable_external_access = false")
                database.execute("SET lock_configuration = true")
                self._database = database
            return self._database.cursor()


PARSER = Parser()
