"""Write a migration for table changes: `python scripts/new_migration.py ID MESSAGE [--branch X]`.

A subsystem's first migration: `--branch tracking` (branches off the foundation).
A later one: `--head tracking@head`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from mlplane.core.db import Database
from mlplane.core.migrate import create_revision
from mlplane.server.schema_registry import all_metadata


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("revision_id", help="e.g. 0002_tracking")
    parser.add_argument("message")
    parser.add_argument("--branch", help="start a new branch with this label")
    parser.add_argument("--head", default="0001", help="revision to build on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'schema.db'}")
        create_revision(
            db.engine, all_metadata(), args.message, args.revision_id, args.head, args.branch
        )
        db.dispose()


if __name__ == "__main__":
    main()
