"""The metadata database: engine, declarative base, and transactions.

SQLite runs in WAL mode with a busy timeout. Writers open their transaction with
`BEGIN IMMEDIATE` so that two writers queue on the lock instead of failing with
`database is locked` when a deferred read transaction tries to upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Request commits should not stop to copy the write-ahead log into the database file: the
# worker checkpoints every second (`Database.checkpoint`). SQLite's own checkpoint stays as
# a backstop, at 64 MiB of log, for a platform running without a worker.
SQLITE_AUTOCHECKPOINT_PAGES = 16_384
# Reads through a memory map share the operating system's page cache instead of copying
# pages into each pooled connection's own small cache: a search over 10,000 runs costs a
# fifth less CPU. It reserves address space only; the pages are the cache's own.
SQLITE_MMAP_BYTES = 256 * 1024 * 1024

BEFORE_COMMIT: ContextVar[Callable[[Session], None] | None] = ContextVar(
    "mlplane_before_commit", default=None
)
"""What the current request adds to its write transactions, run just before each commits.

The api's audit trail sets it, so a change and the audit event that records it commit
together: one transaction instead of two, and never one without the other.
"""

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime stored in a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode survives a process kill; only a power loss can drop the last commits.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            poolclass=NullPool if path == ":memory:" else None,
            pool_size=16,
            max_overflow=16,
            # The connection used last has the warmest page cache: hand it out again.
            pool_use_lifo=True,
        )
        _configure_sqlite(engine)
        return engine
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return create_engine(database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    """Owns the engine and hands out read and write transactions."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = create_db_engine(database_url)
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self, *, bookkeeping: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        A `bookkeeping` write (a token's last-use time) is not the caller's change and
        carries none of the request's `BEFORE_COMMIT` work.
        """
        with self._writer() as session, session.begin():
            yield session
            before_commit = None if bookkeeping else BEFORE_COMMIT.get()
            if before_commit is not None:
                before_commit(session)

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database without blocking anyone."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def dispose(self) -> None:
        self.engine.dispose()
