"""The artifact half of `client.runs`: upload, list, download a run's files."""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

from mlplane.client.transport import Transport
from mlplane.tracking.client.projects import default_project
from mlplane.tracking.schemas import ArtifactEntry, ArtifactWritten

UPLOAD_CHUNK = 1 << 20


def _artifacts_path(project: str | None, run_id: str, path: str = "") -> str:
    base = f"/api/v1/projects/{default_project(project)}/runs/{run_id}/artifacts"
    return f"{base}/{quote(path.strip('/'))}" if path.strip("/") else base


def _join(folder: str | None, name: str) -> str:
    return f"{folder.strip('/')}/{name}" if folder and folder.strip("/") else name


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(UPLOAD_CHUNK):
        yield chunk


class RunArtifacts:
    _transport: Transport

    def upload_bytes(
        self, run_id: str, path: str, data: bytes, *, project: str | None = None
    ) -> ArtifactWritten:
        """Store `data` as the file `path` among the run's artifacts."""
        return ArtifactWritten.model_validate(
            self._transport.json(
                "PUT",
                _artifacts_path(project, run_id, path),
                content=data,
                headers={"Content-Type": "application/octet-stream"},
            )
        )

    def upload_artifact(
        self,
        run_id: str,
        local_path: str | os.PathLike[str],
        artifact_path: str | None = None,
        *,
        project: str | None = None,
    ) -> ArtifactWritten:
        """Upload one local file into the folder `artifact_path` (the root when None)."""
        source = Path(local_path)
        target = _join(artifact_path, source.name)
        with source.open("rb") as handle:
            return ArtifactWritten.model_validate(
                self._transport.json(
                    "PUT",
                    _artifacts_path(project, run_id, target),
                    content=_file_chunks(handle),
                    headers={"Content-Type": "application/octet-stream"},
                )
            )

    def upload_artifacts(
        self,
        run_id: str,
        local_dir: str | os.PathLike[str],
        artifact_path: str | None = None,
        *,
        project: str | None = None,
    ) -> builtins.list[ArtifactWritten]:
        """Upload every file under a local folder, keeping its layout."""
        root = Path(local_dir)
        written = []
        for source in sorted(path for path in root.rglob("*") if path.is_file()):
            folder = source.parent.relative_to(root).as_posix()
            target = _join(artifact_path, "" if folder == "." else folder)
            written.append(self.upload_artifact(run_id, source, target or None, project=project))
        return written

    def list_artifacts(
        self, run_id: str, path: str = "", *, project: str | None = None
    ) -> builtins.list[ArtifactEntry]:
        items = self._transport.json(
            "GET", _artifacts_path(project, run_id), params={"path": path} if path else None
        )
        return [ArtifactEntry.model_validate(item) for item in items]

    def read_artifact(self, run_id: str, path: str, *, project: str | None = None) -> bytes:
        return self._transport.request("GET", _artifacts_path(project, run_id, path)).content

    def download_artifact(
        self,
        run_id: str,
        path: str,
        destination: str | os.PathLike[str],
        *,
        project: str | None = None,
    ) -> Path:
        """Write an artifact file into the folder `destination`; returns the file's path."""
        target = Path(destination) / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.read_artifact(run_id, path, project=project))
        return target
