from __future__ import annotations

import pytest

import mlplane
from mlplane.client.errors import ApiError


def test_create_model_records_owner_tags_and_description(
    client: mlplane.Client, project: str
) -> None:
    model = client.models.create(
        "fraud", project=project, description="flags fraud", tags={"team": "risk"}
    )
    assert (model.name, model.owner, model.tags) == ("fraud", "admin", {"team": "risk"})
    assert client.models.get("fraud", project=project).description == "flags fraud"


def test_create_model_twice_is_409(client: mlplane.Client, project: str) -> None:
    client.models.create("fraud", project=project)
    with pytest.raises(ApiError) as error:
        client.models.create("fraud", project=project)
    assert error.value.status == 409


def test_create_model_with_slash_in_name_is_422(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        client.models.create("a/b", project=project)
    assert error.value.status == 422


def test_list_models_pages_through_all(client: mlplane.Client, project: str) -> None:
    for index in range(5):
        client.models.create(f"m{index}", project=project)
    page = client.transport.json(
        "GET", f"/api/v1/projects/{project}/models", params={"max_results": 2}
    )
    assert [item["name"] for item in page["items"]] == ["m0", "m1"]
    assert [model.name for model in client.models.list(project=project)] == [
        f"m{index}" for index in range(5)
    ]


def test_update_model_renames_and_keeps_versions(client: mlplane.Client, project: str) -> None:
    client.models.create("old", project=project)
    client.models.register("old", "s3://bucket/model", project=project)
    client.models.update("old", project=project, new_name="new", description="renamed")
    assert client.models.get("new", project=project).latest_version == 1
    with pytest.raises(ApiError) as error:
        client.models.get("old", project=project)
    assert error.value.status == 404


def test_set_and_delete_model_tag(client: mlplane.Client, project: str) -> None:
    client.models.create("fraud", project=project)
    assert client.models.set_tag("fraud", "stage", "beta", project=project).tags == {
        "stage": "beta"
    }
    assert client.models.delete_tag("fraud", "stage", project=project).tags == {}


def test_delete_model_removes_versions(client: mlplane.Client, project: str) -> None:
    client.models.register("fraud", "s3://bucket/model", project=project)
    client.models.delete("fraud", project=project)
    assert client.models.search_versions(project=project) == []


def test_viewer_cannot_create_model(viewer: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        viewer.models.create("fraud", project=project)
    assert error.value.status == 403
