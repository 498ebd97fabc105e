"""Insert statements that can upsert, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_insert(session: Session, table: Any) -> Any:
    """An INSERT that supports `on_conflict_do_update` / `on_conflict_do_nothing`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def write_key_values(
    session: Session,
    table: Any,
    owner_column: str,
    owner_id: str,
    values: Mapping[str, str],
    *,
    replace: bool,
) -> None:
    """Write `key`/`value` rows of one owner (a run's params or tags, a model's).

    `replace=False` keeps a value already stored (params are immutable; a concurrent
    identical insert is not an error); `replace=True` overwrites it (tags).
    """
    if not values:
        return
    statement = upsert_insert(session, table)
    conflict = [owner_column, "key"]
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=conflict, set_={"value": statement.excluded.value}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=conflict)
    rows = [{owner_column: owner_id, "key": key, "value": value} for key, value in values.items()]
    session.execute(statement, rows)
