"""Preparing a home: its folder, the schema, and the first administrator's token."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from mlplane.core.db import Database
from mlplane.core.migrate import upgrade
from mlplane.core.settings import Settings
from mlplane.governance import service as governance


def write_secret_file(path: Path, secret: str) -> None:
    """Create a file readable by its owner only, atomically."""
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    os.replace(temporary, path)


def prepare_home(settings: Settings, db: Database) -> str | None:
    """Migrate and bootstrap; returns the administrator token when it was just created.

    A file lock serialises processes that start together on one home.
    """
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(settings.home / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        upgrade(db.engine)
        with db.write() as session:
            secret = governance.bootstrap_admin(session)
        if secret is not None:
            write_secret_file(settings.admin_token_file, secret)
    return secret
