from __future__ import annotations

import pytest

import mlplane
from mlplane.tracking.schemas import Experiment


def test_create_experiment_returns_it_with_tags(client: mlplane.Client, project: str) -> None:
    created = client.experiments.create(
        "churn", project=project, description="who leaves", tags={"team": "risk"}
    )

    assert created.name == "churn"
    assert created.project == project
    assert created.tags == {"team": "risk"}
    assert created.lifecycle == "active"
    assert created.created_by == "admin"
    assert created.artifact_location == f"tracking/{created.id}"


def test_get_experiment_by_id_or_name(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    by_id = client.experiments.get(experiment.id, project=project)
    by_name = client.experiments.get("baseline", project=project)

    assert by_id == by_name == experiment


def test_get_experiment_with_slash_in_name(client: mlplane.Client, project: str) -> None:
    created = client.experiments.create("team/churn v2", project=project)

    assert client.experiments.get("team/churn v2", project=project).id == created.id


def test_create_experiment_with_taken_name_is_409(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.create("baseline", project=project)

    assert caught.value.status == 409
    assert "already exists" in caught.value.detail


def test_create_experiment_named_like_deleted_one_says_so(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.experiments.delete(experiment.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.create("baseline", project=project)

    assert caught.value.status == 409
    assert "deleted" in caught.value.detail


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"name": "ok", "tags": {"bad key!": "v"}}, "tags"),
        ({"name": "ok", "tags": {"k": "v" * 8001}}, "tags"),
        ({"name": "ok", "artifact_location": "../elsewhere"}, "artifact"),
        ({"name": "ok", "artifact_location": "s3://bucket/x"}, "not a URL"),
        ({"name": "ok", "unknown": 1}, "unknown"),
    ],
)
def test_create_experiment_rejects_bad_input(
    client: mlplane.Client, project: str, body: dict[str, object], field: str
) -> None:
    response = client.transport.http.post(f"/api/v1/projects/{project}/experiments", json=body)

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert client.experiments.list(project=project, view="ALL") == []


def test_list_experiments_filters_and_orders(client: mlplane.Client, project: str) -> None:
    for name, team in (("fraud-a", "risk"), ("fraud-b", "risk"), ("churn", "growth")):
        client.experiments.create(name, project=project, tags={"team": team})

    risky = client.experiments.list(
        project=project, filter="tags.team = 'risk'", order_by=["attributes.name DESC"]
    )
    fraud = client.experiments.list(project=project, filter="attributes.name LIKE 'fraud%'")

    assert [item.name for item in risky] == ["fraud-b", "fraud-a"]
    assert sorted(item.name for item in fraud) == ["fraud-a", "fraud-b"]


def test_list_experiments_pages_through_all(client: mlplane.Client, project: str) -> None:
    for index in range(5):
        client.experiments.create(f"e{index}", project=project)
    url = f"/api/v1/projects/{project}/experiments"

    first = client.transport.json("GET", url, params={"max_results": 2})
    second = client.transport.json(
        "GET", url, params={"max_results": 2, "page_token": first["next_page_token"]}
    )

    assert len(first["items"]) == len(second["items"]) == 2
    names = {item["name"] for item in first["items"] + second["items"]}
    assert len(names) == 4
    assert len(client.experiments.list(project=project)) == 5


def test_update_experiment_renames_and_replaces_tags(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    updated = client.experiments.update(
        experiment.id, project=project, name="renamed", tags={"stage": "dev"}
    )

    assert updated.name == "renamed"
    assert updated.tags == {"stage": "dev"}
    assert updated.description == "the first try"
    assert updated.updated_at > experiment.updated_at


def test_update_experiment_to_taken_name_is_409(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.experiments.create("other", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.update(experiment.id, project=project, name="other")

    assert caught.value.status == 409
    assert client.experiments.get(experiment.id, project=project).name == "baseline"


def test_delete_experiment_deletes_its_runs_and_restore_brings_them_back(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    kept = client.runs.create(experiment.id, project=project, name="kept")
    earlier = client.runs.create(experiment.id, project=project, name="deleted-before")
    client.runs.delete(earlier.id, project=project)

    deleted = client.experiments.delete(experiment.id, project=project)
    runs_while_deleted = client.runs.list(project=project)
    restored = client.experiments.restore(experiment.id, project=project)

    assert deleted.lifecycle == "deleted"
    assert runs_while_deleted == []
    assert restored.lifecycle == "active"
    assert client.runs.get(kept.id, project=project).lifecycle == "active"
    assert client.runs.get(earlier.id, project=project).lifecycle == "deleted"
    assert [item.name for item in client.experiments.list(project=project)] == ["baseline"]


def test_list_experiments_by_lifecycle(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.experiments.create("alive", project=project)
    client.experiments.delete(experiment.id, project=project)

    active = client.experiments.list(project=project)
    deleted = client.experiments.list(project=project, view="DELETED_ONLY")
    every = client.experiments.list(project=project, view="ALL")

    assert [item.name for item in active] == ["alive"]
    assert [item.name for item in deleted] == ["baseline"]
    assert len(every) == 2


def test_update_deleted_experiment_is_409(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.experiments.delete(experiment.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.update(experiment.id, project=project, description="no")

    assert caught.value.status == 409


def test_viewer_reads_but_cannot_create_experiments(
    viewer: mlplane.Client, project: str, experiment: Experiment
) -> None:
    assert viewer.experiments.get(experiment.id, project=project).name == "baseline"

    with pytest.raises(mlplane.ApiError) as caught:
        viewer.experiments.create("mine", project=project)

    assert caught.value.status == 403


def test_outsider_cannot_see_experiments(
    client: mlplane.Client, user_client: object, project: str, experiment: Experiment
) -> None:
    outsider = user_client("olga")  # type: ignore[operator]

    with pytest.raises(mlplane.ApiError) as caught:
        outsider.experiments.get(experiment.id, project=project)

    assert caught.value.status == 404


def test_get_experiment_of_other_project_is_404(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.projects.create("elsewhere")

    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.get(experiment.id, project="elsewhere")

    assert caught.value.status == 404


def test_create_experiment_with_artifact_location(client: mlplane.Client, project: str) -> None:
    created = client.experiments.create("placed", project=project, artifact_location="team/a/")
    run = client.runs.create(created.id, project=project)

    assert created.artifact_location == "team/a"
    assert run.artifact_uri == f"team/a/{run.id}/artifacts"
