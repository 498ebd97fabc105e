"""Where the SDK talks and with which token.

Order for the address: explicit URL, `MLPLANE_URL`, a platform running on the local home,
else the app in-process on the local home. Order for the token: explicit, `MLPLANE_TOKEN`,
the home's `admin.token` when talking to that home's own platform.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "~/.mlplane"

# The project SDK calls act on when they name none.
PROJECT_VARIABLE = "MLPLANE_PROJECT"
# Where the app hosted in-process keeps its data, when not in the home's own configuration.
HOSTED_VARIABLES = ("MLPLANE_DATABASE_URL", "MLPLANE_ARTIFACT_ROOT")


@dataclass(frozen=True)
class Target:
    url: str | None
    token: str | None
    home: Path

    def environment(self) -> dict[str, str]:
        """Variables that point another process's SDK at this platform (empty means unset)."""
        # With no platform running the other process hosts the app on the home itself, so it
        # must open the same database and artifact store as this one.
        hosted = {name: "" if self.url else os.environ.get(name, "") for name in HOSTED_VARIABLES}
        return {
            "MLPLANE_URL": self.url or "",
            "MLPLANE_TOKEN": self.token or "",
            "MLPLANE_HOME": str(self.home),
            **hosted,
        }


def home_path(home: str | Path | None = None) -> Path:
    return Path(home or os.environ.get("MLPLANE_HOME") or DEFAULT_HOME).expanduser().resolve()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_platform(home: Path) -> dict[str, str] | None:
    """The addresses a live platform on this home recorded, or None."""
    try:
        record = json.loads((home / "server.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not _pid_alive(int(record.get("pid", 0))):
        return None
    return {str(key): str(value) for key, value in record.items()}


def _read_admin_token(home: Path) -> str | None:
    try:
        return (home / "admin.token").read_text().strip() or None
    except OSError:
        return None


def resolve_target(
    url: str | None = None,
    token: str | None = None,
    home: str | Path | None = None,
    *,
    in_process: bool = False,
) -> Target:
    home_dir = home_path(home)
    local = in_process
    if url is None and not in_process:
        url = os.environ.get("MLPLANE_URL") or None
    if url is None and not in_process:
        record = running_platform(home_dir)
        url = record["url"] if record else None
        local = True
    if token is None:
        token = os.environ.get("MLPLANE_TOKEN") or None
    if token is None and local:
        token = _read_admin_token(home_dir)
    return Target(url=url.rstrip("/") if url else None, token=token, home=home_dir)
