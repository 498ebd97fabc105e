"""The real `mlflow` client against a real platform: the tracking tests' fixtures, reused."""

from tests.tracking.mlflow.conftest import admin, api, platform, tracking, unique, user_token

__all__ = ["admin", "api", "platform", "tracking", "unique", "user_token"]
