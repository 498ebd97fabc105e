"""Where a model folder is: a local path, any fsspec URL, `runs:/<run id>/<path>`, or a
registered version, `models:/<name>@<alias>` or `models:/<name>/<version>`.

Remote folders are copied into a fresh local folder first; the checksums in the manifest
are what vouch for the copy, not the transport.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec

from mlplane.core.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from mlplane.client.client import Client

RUNS_SCHEME = "runs:/"
MODELS_SCHEME = "models:/"


def parse_runs_uri(uri: str) -> tuple[str, str]:
    """`runs:/<run id>/<artifact path>` as (run id, artifact path)."""
    rest = uri[len(RUNS_SCHEME) :].strip("/")
    run_id, _, artifact_path = rest.partition("/")
    if not run_id:
        raise InvalidInput(
            f"model URI {uri!r} names no run: use runs:/<run id>/<path>", field="uri"
        )
    return run_id, artifact_path.strip("/")


def _download_run_folder(
    client: Client, run_id: str, folder: str, target: Path, project: str | None
) -> int:
    count = 0
    for entry in client.runs.list_artifacts(run_id, folder, project=project):
        if entry.is_dir:
            count += _download_run_folder(
                client, run_id, entry.path, target / Path(entry.path).name, project
            )
            continue
        destination = target / Path(entry.path).name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(client.runs.read_artifact(run_id, entry.path, project=project))
        count += 1
    return count


def _fetch_run_model(uri: str, target: Path, client: Client | None, project: str | None) -> None:
    run_id, artifact_path = parse_runs_uri(uri)
    if client is None:
        from mlplane.client.client import Client

        with Client() as owned:
            count = _download_run_folder(owned, run_id, artifact_path, target, project)
    else:
        count = _download_run_folder(client, run_id, artifact_path, target, project)
    if count == 0:
        raise NotFound(f"run {run_id} has no model files under {artifact_path or 'its root'!r}")


def _fetch_registered_model(
    uri: str, target: Path, client: Client | None, project: str | None
) -> None:
    if client is None:
        from mlplane.client.client import Client

        with Client() as owned:
            owned.models.download(uri, target, project=project)
    else:
        client.models.download(uri, target, project=project)


def _fetch_url(url: str, target: Path) -> None:
    fs, root = fsspec.core.url_to_fs(url)
    if not fs.isdir(root):
        raise NotFound(f"no model folder at {url}")
    fs.get(root.rstrip("/") + "/", str(target), recursive=True)


def local_folder(
    uri: str | Path, *, client: Client | None = None, project: str | None = None
) -> AbstractContextManager[Any]:
    """A context giving the model's local folder; a downloaded copy is removed on exit."""
    text = str(uri)
    if not text.startswith((RUNS_SCHEME, MODELS_SCHEME)) and "://" not in text:
        return nullcontext(Path(text).expanduser())
    if text.startswith("file://"):
        return nullcontext(Path(text[len("file://") :]))
    return DownloadedFolder(text, client, project)


class DownloadedFolder(AbstractContextManager[Path]):
    def __init__(self, uri: str, client: Client | None, project: str | None) -> None:
        self.uri, self.client, self.project = uri, client, project
        self.folder: Path | None = None

    def __enter__(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="mlplane-model-"))
        try:
            if self.uri.startswith(RUNS_SCHEME):
                _fetch_run_model(self.uri, self.folder, self.client, self.project)
            elif self.uri.startswith(MODELS_SCHEME):
                _fetch_registered_model(self.uri, self.folder, self.client, self.project)
            else:
                _fetch_url(self.uri, self.folder)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self.folder

    def __exit__(self, *exc_info: object) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
