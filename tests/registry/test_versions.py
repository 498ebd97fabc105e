from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.core import events
from mlplane.core.db import Database
from mlplane.tracking.schemas import Run


def test_register_from_run_points_at_its_artifacts(
    client: mlplane.Client, project: str, run: Run
) -> None:
    version = client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    assert (version.version, version.status, version.run_id) == (1, "READY", run.id)
    assert version.storage_path == f"{run.artifact_uri}/model"
    files = {entry.path for entry in client.models.files("fraud", 1, project=project)}
    assert files == {"mlplane-model.json", "weights.bin"}


def test_register_numbers_versions_in_order(client: mlplane.Client, project: str, run: Run) -> None:
    numbers = [
        client.models.register("fraud", f"runs:/{run.id}/model", project=project).version
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    assert client.models.get("fraud", project=project).latest_version == 3


def test_register_from_missing_run_is_404(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        client.models.register("fraud", "runs:/nope/model", project=project)
    assert error.value.status == 404


def test_register_local_folder_uploads_it(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "mlplane-model.json").write_text("{}")
    (folder / "sub" / "weights.bin").write_bytes(b"abc")
    version = client.models.register("fraud", folder, project=project, tags={"kind": "local"})
    assert version.status == "READY"
    downloaded = client.models.download("models:/fraud/1", tmp_path / "out", project=project)
    assert (downloaded / "sub" / "weights.bin").read_bytes() == b"abc"
    assert (downloaded / "mlplane-model.json").read_text() == "{}"


def test_upload_to_finalized_version_is_409(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    (tmp_path / "m.bin").write_bytes(b"x")
    client.models.register("fraud", tmp_path / "m.bin", project=project)
    with pytest.raises(ApiError) as error:
        client.transport.json(
            "PUT", f"/api/v1/projects/{project}/models/fraud/versions/1/files/x.bin", content=b"1"
        )
    assert error.value.status == 409


def test_register_other_uri_keeps_it_outside_the_store(
    client: mlplane.Client, project: str
) -> None:
    version = client.models.register("fraud", "s3://bucket/fraud/7", project=project)
    assert (version.source, version.storage_path) == ("s3://bucket/fraud/7", None)
    with pytest.raises(ApiError) as error:
        client.models.files("fraud", 1, project=project)
    assert error.value.status == 409


def test_register_from_another_version_shares_its_files(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    copy = client.models.register("fraud-copy", "models:/fraud/1", project=project)
    assert copy.storage_path == f"{run.artifact_uri}/model"
    assert copy.run_id == run.id


def test_search_versions_by_run_shows_lineage_from_the_run_side(
    client: mlplane.Client, project: str, trained_run: Callable[..., Run]
) -> None:
    first, second = trained_run(name="a"), trained_run(name="b")
    client.models.register("fraud", f"runs:/{first.id}/model", project=project)
    client.models.register("fraud", f"runs:/{second.id}/model", project=project)
    client.models.register("churn", f"runs:/{first.id}/model", project=project)
    made = client.models.search_versions(project=project, run_id=first.id)
    assert sorted((v.model, v.version) for v in made) == [("churn", 1), ("fraud", 1)]


def test_search_versions_pages_newest_first(client: mlplane.Client, project: str, run: Run) -> None:
    for _ in range(5):
        client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    page = client.transport.json(
        "GET", f"/api/v1/projects/{project}/model-versions", params={"max_results": 2}
    )
    assert [item["version"] for item in page["items"]] == [5, 4]
    assert [v.version for v in client.models.versions("fraud", project=project)] == [5, 4, 3, 2, 1]


def test_search_versions_by_tag(client: mlplane.Client, project: str, run: Run) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project, tags={"t": "a"})
    client.models.register("fraud", f"runs:/{run.id}/model", project=project, tags={"t": "b"})
    found = client.models.search_versions(project=project, tags={"t": "b"})
    assert [v.version for v in found] == [2]


def test_lineage_reaches_datasets_and_commit(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    lineage = client.models.lineage("fraud", 1, project=project)
    assert (lineage.run_id, lineage.git_commit) == (run.id, "a1b2c3d")
    assert [d["name"] for d in lineage.datasets] == ["transactions"]
    assert lineage.metrics["accuracy"] == pytest.approx(0.93)


def test_update_version_stage_archives_others(
    client: mlplane.Client, project: str, run: Run
) -> None:
    for _ in range(2):
        client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.update_version("fraud", 1, project=project, stage="Production")
    client.transport.json(
        "PATCH",
        f"/api/v1/projects/{project}/models/fraud/versions/2",
        params={"archive_existing_versions": True},
        json={"stage": "Production"},
    )
    stages = {v.version: v.stage for v in client.models.versions("fraud", project=project)}
    assert stages == {1: "Archived", 2: "Production"}


def test_version_tags_set_and_delete(client: mlplane.Client, project: str, run: Run) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    assert client.models.set_version_tag("fraud", 1, "ok", "yes", project=project).tags == {
        "ok": "yes"
    }


def test_delete_version_removes_its_aliases(client: mlplane.Client, project: str, run: Run) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.set_alias("fraud", "champion", 1, project=project)
    client.models.delete_version("fraud", 1, project=project)
    assert client.models.aliases("fraud", project=project) == []


def test_viewer_cannot_register(
    viewer: mlplane.Client, project: str, client: mlplane.Client
) -> None:
    client.models.create("fraud", project=project)
    with pytest.raises(ApiError) as error:
        viewer.models.register("fraud", "s3://b/m", project=project, create_model=False)
    assert error.value.status == 403


def test_register_emits_the_platform_event_triggers_follow(
    client: mlplane.Client, project: str, run: Run, database_url: str
) -> None:
    client.models.register("churn", f"runs:/{run.id}/model", project=project)

    database = Database(database_url)
    with database.read() as session:
        found = events.list_since(session, 0, [events.MODEL_VERSION_CREATED])
    database.dispose()
    assert [(event.subject, event.payload["project"]) for event in found] == [
        ("model:churn/1", project)
    ]
