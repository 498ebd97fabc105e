from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mlplane.core.db import Database
from mlplane.core.migrate import current_revisions, head_revisions, upgrade
from mlplane.server.schema_registry import all_metadata


def _differences(db: Database) -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, all_metadata()))


def test_upgrade_creates_schema_matching_tables(database_url: str) -> None:
    db = Database(database_url)

    upgrade(db.engine)

    assert current_revisions(db.engine) == head_revisions()
    assert _differences(db) == []
    db.dispose()


def test_upgrade_twice_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    upgrade(db.engine)

    upgrade(db.engine)

    assert current_revisions(db.engine) == head_revisions()
    db.dispose()
