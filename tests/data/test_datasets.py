from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mlplane
from tests.data.conftest import customers


def test_create_dataset_returns_it_empty(client: mlplane.Client, project: str) -> None:
    dataset = client.datasets.create(
        "customers", project=project, description="who buys", tags={"team": "crm"}
    )

    assert dataset.name == "customers"
    assert dataset.kind == "table"
    assert dataset.version_count == 0
    assert dataset.latest_version is None
    assert client.datasets.get("customers", project=project).tags == {"team": "crm"}


def test_create_dataset_twice_conflicts(client: mlplane.Client, project: str) -> None:
    client.datasets.create("customers", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.create("customers", project=project, kind="files")

    assert caught.value.status == 409


def test_create_dataset_rejects_unknown_kind(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.create("customers", project=project, kind="spreadsheet")

    assert caught.value.status == 422
    assert "kind" in caught.value.detail


def test_list_datasets_pages_by_name(client: mlplane.Client, project: str) -> None:
    for name in ("c", "a", "b"):
        client.datasets.create(name, project=project)

    page = client.transport.json(
        "GET", f"/api/v1/projects/{project}/datasets", params={"max_results": 2}
    )

    assert [item["name"] for item in page["items"]] == ["a", "b"]
    assert [d.name for d in client.datasets.list(project=project)] == ["a", "b", "c"]


def test_update_dataset_changes_description_and_tags(client: mlplane.Client, project: str) -> None:
    client.datasets.create("customers", project=project)

    updated = client.datasets.update(
        "customers", project=project, description="new", tags={"pii": "yes"}
    )

    assert (updated.description, updated.tags) == ("new", {"pii": "yes"})


def test_delete_dataset_removes_it_and_its_files(
    client: mlplane.Client, project: str, home: Path
) -> None:
    client.datasets.push(customers(5), "customers", project=project)
    stored = home / "artifacts" / "datasets" / project / "customers"
    assert any(stored.rglob("*"))

    client.datasets.delete("customers", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.get("customers", project=project)
    assert caught.value.status == 404
    assert not stored.exists()


def test_viewer_reads_but_cannot_create_datasets(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    client.datasets.create("customers", project=project)
    viewer = user_client("vera", project, "viewer")

    assert viewer.datasets.get("customers", project=project).name == "customers"
    with pytest.raises(mlplane.ApiError) as caught:
        viewer.datasets.create("other", project=project)
    assert caught.value.status == 403


def test_outsider_sees_no_dataset(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    client.datasets.create("customers", project=project)
    outsider = user_client("olga")

    with pytest.raises(mlplane.ApiError) as caught:
        outsider.datasets.get("customers", project=project)

    assert caught.value.status == 404


def test_create_dataset_is_audited(client: mlplane.Client, project: str) -> None:
    client.datasets.create("customers", project=project)

    events = client.audit.list(action="create_dataset")

    assert [(event.project, event.outcome) for event in events] == [(project, "success")]
