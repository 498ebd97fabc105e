"""Schema migrations, applied on start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Any, metadata: MetaData | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata
    return config


def head_revisions() -> set[str]:
    """Each subsystem's migrations are a branch off the foundation, so there are several heads."""
    script = ScriptDirectory.from_config(_config(None))
    return set(script.get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revisions; a no-op when it is there already."""
    if current_revisions(engine) == head_revisions():
        return
    with engine.begin() as connection:
        command.upgrade(_config(connection), "heads")


def create_revision(
    engine: Engine,
    metadata: MetaData,
    message: str,
    revision_id: str,
    head: str = "0001",
    branch_label: str | None = None,
) -> None:
    """Write a new migration from the difference between the tables and the migrated database.

    A subsystem's first migration starts its own branch off the foundation (`head="0001"`,
    `branch_label="tracking"`); its later ones continue it (`head="tracking@head"`).
    """
    upgrade(engine)
    with engine.begin() as connection:
        command.revision(
            _config(connection, metadata),
            message=message,
            autogenerate=True,
            rev_id=revision_id,
            head=head,
            branch_label=branch_label,
        )
