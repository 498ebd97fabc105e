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


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(_config(None))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already."""
    if current_revision(engine) == head_revision():
        return
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def create_revision(engine: Engine, metadata: MetaData, message: str) -> None:
    """Write a new migration file from the difference between the tables and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection, metadata), message=message, autogenerate=True)
