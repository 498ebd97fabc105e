"""Platform settings: environment variables over an optional `mlplane.toml` over defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_HOME = Path("~/.mlplane")
DEFAULT_API_PORT = 5050
DEFAULT_GATEWAY_PORT = 5051

# Each setting: environment variable, key in mlplane.toml.
_SOURCES: dict[str, tuple[str, str]] = {
    "database_url": ("MLPLANE_DATABASE_URL", "database_url"),
    "artifact_root": ("MLPLANE_ARTIFACT_ROOT", "artifact_root"),
    "url": ("MLPLANE_URL", "url"),
    "token": ("MLPLANE_TOKEN", "token"),
    "log_level": ("MLPLANE_LOG_LEVEL", "log_level"),
    "s3_endpoint_url": ("MLPLANE_S3_ENDPOINT_URL", "s3_endpoint_url"),
    "allow_untrusted_pickle": ("MLPLANE_ALLOW_UNTRUSTED_PICKLE", "allow_untrusted_pickle"),
    # Where deployed models run: "local" (in the gateway) or "ray" (Ray Serve on a cluster).
    "deployments_backend": ("MLPLANE_DEPLOYMENTS_BACKEND", "deployments.backend"),
    "deployments_ray_address": ("MLPLANE_DEPLOYMENTS_RAY_ADDRESS", "deployments.ray_address"),
}


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    artifact_root: str
    url: str | None = None
    token: str | None = None
    log_level: str = "INFO"
    s3_endpoint_url: str | None = None
    allow_untrusted_pickle: bool = False
    deployments_backend: str = "local"
    deployments_ray_address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def server_file(self) -> Path:
        """Where a running platform records its addresses."""
        return self.home / "server.json"

    @property
    def admin_token_file(self) -> Path:
        return self.home / "admin.token"

    @property
    def lock_file(self) -> Path:
        return self.home / "platform.lock"

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _file_value(file_values: dict[str, Any], key: str) -> tuple[bool, Any]:
    """A key of mlplane.toml, dotted for one inside a table (`deployments.backend`)."""
    value: Any = file_values
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def load_settings(home: str | Path | None = None, **overrides: Any) -> Settings:
    """Resolve settings for a home: explicit arguments, environment, `mlplane.toml`, defaults."""
    home_path = Path(home or os.environ.get("MLPLANE_HOME") or DEFAULT_HOME).expanduser()
    home_path = home_path.resolve()
    file_values: dict[str, Any] = {}
    config_file = home_path / "mlplane.toml"
    if config_file.exists():
        with config_file.open("rb") as handle:
            file_values = tomllib.load(handle)

    values: dict[str, Any] = {}
    for name, (env_name, key) in _SOURCES.items():
        if name in overrides and overrides[name] is not None:
            values[name] = overrides[name]
        elif os.environ.get(env_name):
            values[name] = os.environ[env_name]
        else:
            found, value = _file_value(file_values, key)
            if found:
                values[name] = value

    values.setdefault("database_url", f"sqlite:///{home_path / 'mlplane.db'}")
    values.setdefault("artifact_root", str(home_path / "artifacts"))
    if "allow_untrusted_pickle" in values:
        values["allow_untrusted_pickle"] = _parse_bool(values["allow_untrusted_pickle"])
    known = set(_SOURCES)
    extra = {key: value for key, value in file_values.items() if key not in known}
    return Settings(home=home_path, extra=extra, **values)
