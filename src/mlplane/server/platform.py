"""What one api process holds: settings, the database, the artifact store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.db import Database
from mlplane.core.settings import Settings


@dataclass
class Platform:
    settings: Settings

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def artifacts(self) -> ArtifactStore:
        return ArtifactStore(self.settings.artifact_root, self.settings.s3_endpoint_url)

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()
