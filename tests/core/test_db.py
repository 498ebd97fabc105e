from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from mlplane.core.db import SQLITE_MMAP_BYTES, Database


def test_create_engine_uses_wal_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}")

    with db.read() as session:
        mode = session.execute(text("PRAGMA journal_mode")).scalar()

    assert mode == "wal"
    db.dispose()


def test_create_engine_reads_sqlite_through_a_memory_map(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'mapped.db'}")

    with db.read() as session:
        mapped = session.execute(text("PRAGMA mmap_size")).scalar()

    assert mapped == SQLITE_MMAP_BYTES
    db.dispose()


def test_read_reuses_the_connection_used_last(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'lifo.db'}")
    with db.read() as first, db.read() as second:
        # Two connections in the pool; the one given back last has the warmer cache.
        first_connection = first.connection().connection.dbapi_connection
        second_connection = second.connection().connection.dbapi_connection

    with db.read() as session:
        again = session.connection().connection.dbapi_connection

    assert again is first_connection
    assert again is not second_connection
    db.dispose()


def test_write_from_many_threads_loses_nothing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'busy.db'}")
    with db.write() as session:
        session.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, seen INTEGER)"))
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(50):
                # Read then write in one transaction: the pattern that deadlocks deferred ones.
                with db.write() as session:
                    seen = session.execute(text("SELECT count(*) FROM counter")).scalar()
                    session.execute(text("INSERT INTO counter (seen) VALUES (:s)"), {"s": seen})
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with db.read() as session:
        rows = session.execute(text("SELECT seen FROM counter ORDER BY id")).scalars().all()
    assert errors == []
    assert list(rows) == list(range(400))
    db.dispose()


def test_write_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'atomic.db'}")
    with db.write() as session:
        session.execute(text("CREATE TABLE item (name TEXT)"))

    try:
        with db.write() as session:
            session.execute(text("INSERT INTO item VALUES ('half')"))
            raise RuntimeError("crash mid-transaction")
    except RuntimeError:
        pass

    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM item")).scalar() == 0
    db.dispose()
