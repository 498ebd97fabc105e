"""Schema migrations, applied on start.

Alembic is imported only when there is something to migrate: comparing the database's
revisions with the heads read straight from the migration files costs a millisecond,
importing Alembic a good part of the start-up budget.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Any, metadata: MetaData | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata
    return config


def _assigned(tree: ast.Module, name: str) -> Any:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def head_revisions() -> set[str]:
    """Each subsystem's migrations are a branch off the foundation, so there are several heads."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        tree = ast.parse(path.read_text())
        revision = _assigned(tree, "revision")
        if revision is None:
            continue
        revisions.add(revision)
        # A revision that another one depends on is not a head either, as Alembic records it.
        for name in ("down_revision", "depends_on"):
            value = _assigned(tree, name)
            parents.update(value if isinstance(value, tuple | list) else [value] if value else [])
    return revisions - parents


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return {row[0] for row in rows}


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revisions; a no-op when it is there already."""
    if current_revisions(engine) == head_revisions():
        return
    from alembic import command

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
    from alembic import command

    upgrade(engine)
    with engine.begin() as connection:
        command.revision(
            _config(connection, metadata),
            message=message,
            autogenerate=True,
            rev_id=revision_id,
            head=head,
            branch_label=branch_label,
            # A new branch grows from the foundation, which is no longer a head itself.
            splice=branch_label is not None,
        )
