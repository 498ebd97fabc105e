from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Run
from tests.tracking.conftest import write_tree


def test_upload_and_download_a_file(
    client: mlplane.Client, project: str, run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "weights.bin"
    source.write_bytes(bytes(range(256)) * 8192)  # 2 MiB: more than one upload chunk

    written = client.runs.upload_artifact(run.id, source, "model", project=project)
    downloaded = client.runs.download_artifact(
        run.id, "model/weights.bin", tmp_path / "out", project=project
    )

    assert (written.path, written.size) == ("model/weights.bin", source.stat().st_size)
    assert downloaded.read_bytes() == source.read_bytes()


def test_upload_a_folder_keeps_its_layout(
    client: mlplane.Client, project: str, run: Run, tmp_path: Path
) -> None:
    folder = write_tree(
        tmp_path / "outputs",
        {"report.txt": b"ok", "plots/loss.png": b"png", "plots/deep/acc.png": b"png2"},
    )

    client.runs.upload_artifacts(run.id, folder, project=project)

    root = client.runs.list_artifacts(run.id, project=project)
    plots = client.runs.list_artifacts(run.id, "plots", project=project)
    assert [(entry.path, entry.is_dir) for entry in root] == [
        ("plots", True),
        ("report.txt", False),
    ]
    assert [(entry.path, entry.size) for entry in plots] == [
        ("plots/deep", None),
        ("plots/loss.png", 3),
    ]
    assert client.runs.read_artifact(run.id, "plots/deep/acc.png", project=project) == b"png2"


def test_upload_replaces_an_earlier_file(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.upload_bytes(run.id, "notes.txt", b"first", project=project)
    client.runs.upload_bytes(run.id, "notes.txt", b"second", project=project)

    assert client.runs.read_artifact(run.id, "notes.txt", project=project) == b"second"
    assert [entry.path for entry in client.runs.list_artifacts(run.id, project=project)] == [
        "notes.txt"
    ]


def test_download_is_served_with_a_content_type(
    raw: httpx.Client, client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.upload_bytes(run.id, "config.json", b'{"a": 1}', project=project)

    response = raw.get(f"/api/v1/projects/{project}/runs/{run.id}/artifacts/config.json")

    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"a": 1}


def test_listing_an_empty_run_is_empty(client: mlplane.Client, project: str, run: Run) -> None:
    assert client.runs.list_artifacts(run.id, project=project) == []


def test_download_missing_artifact_is_404(client: mlplane.Client, project: str, run: Run) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.read_artifact(run.id, "nothing.txt", project=project)

    assert caught.value.status == 404


@pytest.mark.parametrize("path", ["../escape.txt", "a/../../escape.txt", "%2E%2E/escape.txt"])
def test_upload_outside_the_run_is_refused(
    raw: httpx.Client, client: mlplane.Client, project: str, run: Run, home: Path, path: str
) -> None:
    response = raw.put(f"/api/v1/projects/{project}/runs/{run.id}/artifacts/{path}", content=b"x")

    assert response.status_code in (404, 422)
    assert not list(home.rglob("escape.txt"))


def test_viewer_downloads_but_cannot_upload(
    client: mlplane.Client, viewer: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.upload_bytes(run.id, "a.txt", b"shared", project=project)

    assert viewer.runs.read_artifact(run.id, "a.txt", project=project) == b"shared"
    with pytest.raises(mlplane.ApiError) as caught:
        viewer.runs.upload_bytes(run.id, "b.txt", b"nope", project=project)
    assert caught.value.status == 403
    assert [entry.path for entry in client.runs.list_artifacts(run.id, project=project)] == [
        "a.txt"
    ]


def test_upload_to_deleted_run_is_409(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.delete(run.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.upload_bytes(run.id, "late.txt", b"x", project=project)

    assert caught.value.status == 409
    assert client.runs.list_artifacts(run.id, project=project) == []


def test_artifacts_live_under_the_run_artifact_uri(
    client: mlplane.Client, project: str, run: Run, home: Path
) -> None:
    client.runs.upload_bytes(run.id, "deep/file.txt", b"here", project=project)

    stored = home / "artifacts" / run.artifact_uri / "deep" / "file.txt"
    assert stored.read_bytes() == b"here"
    assert not [path for path in stored.parent.iterdir() if path.name.startswith(".tmp-")]
