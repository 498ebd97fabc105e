from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.core.db import Database
from mlplane.core.settings import load_settings
from mlplane.serving.desired_store import database_source


def _served(client: mlplane.Client, project: str, name: str) -> list[tuple[str, int]]:
    return sorted(
        (model.version, model.weight)
        for model in client.serving.list(project=project)
        if model.name == name and model.deployment == name
    )


def test_create_deployment_serves_the_version(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    deployment = client.deployments.create("churn-api", "models:/churn/1", project=project)
    assert deployment.status == "stable"
    assert deployment.stable is not None
    assert (deployment.stable.model_version, deployment.stable.weight) == (1, 100)
    assert _served(client, project, "churn-api") == [(deployment.stable.revision, 100)]


def test_create_deployment_resolves_an_alias(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.models.set_alias("churn", "champion", 2, project=project)
    deployment = client.deployments.create("churn-api", "models:/churn@champion", project=project)
    assert deployment.stable is not None
    assert deployment.stable.model_version == 2
    assert deployment.stable.source == "models:/churn@champion"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "churn-api", "model": "models:/churn/9"}, "model"),
        ({"name": "churn-api", "model": "models:/nothing@champion"}, "model"),
        ({"name": "churn-api", "model": "/tmp/a-folder"}, "model"),
        ({"name": "Churn API", "model": "models:/churn/1"}, "name"),
        (
            {
                "name": "churn-api",
                "model": "models:/churn/1",
                "strategy": {"type": "canary", "step_weight": 60, "max_weight": 50},
            },
            "strategy",
        ),
        (
            {
                "name": "churn-api",
                "model": "models:/churn/1",
                "strategy": {"type": "canary", "interval": 0},
            },
            "interval",
        ),
    ],
)
def test_create_deployment_invalid_is_422_naming_the_field(
    client: mlplane.Client, project: str, versions: list[int], body: dict[str, object], field: str
) -> None:
    with pytest.raises(ApiError) as raised:
        client.transport.json("POST", f"/api/v1/projects/{project}/deployments", json=body)
    assert raised.value.status == 422
    assert field in str(raised.value)
    assert client.deployments.list(project=project) == []


def test_create_deployment_taken_name_is_409(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    with pytest.raises(ApiError) as raised:
        client.deployments.create("churn-api", "models:/churn/2", project=project)
    assert raised.value.status == 409


def test_create_deployment_over_a_served_name_is_409(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.serving.add("churn-api", "models:/churn/1", project=project)
    with pytest.raises(ApiError) as raised:
        client.deployments.create("churn-api", "models:/churn/2", project=project)
    assert raised.value.status == 409


def test_get_deployment_unknown_is_404(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as raised:
        client.deployments.get("nothing", project=project)
    assert raised.value.status == 404


def test_deployments_as_viewer_read_but_cannot_write(
    client: mlplane.Client,
    project: str,
    versions: list[int],
    user_client: Callable[..., mlplane.Client],
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    viewer = user_client("vera", project, "viewer")
    assert viewer.deployments.get("churn-api", project=project).name == "churn-api"
    with pytest.raises(ApiError) as raised:
        viewer.deployments.create("other", "models:/churn/1", project=project)
    assert raised.value.status == 403
    with pytest.raises(ApiError) as raised:
        viewer.deployments.promote("churn-api", project=project)
    assert raised.value.status == 403
    with pytest.raises(ApiError) as raised:
        viewer.deployments.delete("churn-api", project=project)
    assert raised.value.status == 403


def test_list_deployments_pages_through_all(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    for name in ("a-api", "b-api", "c-api"):
        client.deployments.create(name, "models:/churn/1", project=project)
    page = client.transport.json(
        "GET", f"/api/v1/projects/{project}/deployments", params={"max_results": 2}
    )
    assert [item["name"] for item in page["items"]] == ["a-api", "b-api"]
    assert [d.name for d in client.deployments.list(project=project)] == [
        "a-api",
        "b-api",
        "c-api",
    ]


def test_update_deployment_direct_replaces_and_rollback_returns(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    updated = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert updated.stable is not None
    assert updated.stable.model_version == 2
    assert updated.previous is not None
    assert updated.previous.model_version == 1
    assert _served(client, project, "churn-api") == [(updated.stable.revision, 100)]
    back = client.deployments.rollback("churn-api", project=project)
    assert back.stable is not None
    assert back.stable.model_version == 1
    assert back.outcome == "rolled_back"
    assert _served(client, project, "churn-api") == [(back.stable.revision, 100)]


def test_update_deployment_same_version_is_422(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    with pytest.raises(ApiError) as raised:
        client.deployments.update("churn-api", model="models:/churn/1", project=project)
    assert raised.value.status == 422
    assert "model" in str(raised.value)


def test_promote_without_rollout_is_409(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    with pytest.raises(ApiError) as raised:
        client.deployments.promote("churn-api", project=project)
    assert raised.value.status == 409


def test_delete_deployment_stops_serving(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    client.deployments.create("churn-api", "models:/churn/1", project=project)
    client.deployments.delete("churn-api", project=project)
    assert _served(client, project, "churn-api") == []
    with pytest.raises(ApiError) as raised:
        client.deployments.events("churn-api", project=project)
    assert raised.value.status == 404


def test_deployment_payload_capture_reaches_the_gateway_and_can_change(
    client: mlplane.Client, project: str, versions: list[int], home: Path
) -> None:
    created = client.deployments.create(
        "churn-api",
        "models:/churn/1",
        payload_sample_rate=0.5,
        redact=["ssn", "email"],
        project=project,
    )
    assert (created.payload_sample_rate, created.redact) == (0.5, ["ssn", "email"])
    assert _capture(home, "churn-api") == {(0.5, ("ssn", "email"))}

    kept = client.deployments.update("churn-api", redact=["income"], project=project)
    assert (kept.payload_sample_rate, kept.redact) == (0.5, ["income"])
    reset = client.deployments.update("churn-api", payload_sample_rate="default", project=project)
    assert (reset.payload_sample_rate, reset.redact) == (None, ["income"])
    rolled = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert _capture(home, "churn-api") == {(None, ("income",))}
    assert rolled.stable is not None
    changed = [
        event.details
        for event in client.deployments.events("churn-api", project=project)
        if event.kind == "capture_changed"
    ]
    assert changed == [
        {"payload_sample_rate": 0.5, "redact": ["income"]},
        {"payload_sample_rate": None, "redact": ["income"]},
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"payload_sample_rate": 1.5}, "payload_sample_rate"), ({"redact": [""]}, "redact")],
)
def test_deployment_invalid_capture_is_422_naming_the_field(
    client: mlplane.Client, project: str, versions: list[int], body: dict[str, object], field: str
) -> None:
    body = {"name": "churn-api", "model": "models:/churn/1", **body}
    with pytest.raises(ApiError) as raised:
        client.transport.json("POST", f"/api/v1/projects/{project}/deployments", json=body)
    assert raised.value.status == 422
    assert field in str(raised.value)
    assert client.deployments.list(project=project) == []


def _capture(home: Path, name: str) -> set[tuple[float | None, tuple[str, ...]]]:
    """(sample rate, redacted fields) of each version the gateway is told to serve as `name`."""
    db = Database(load_settings(home).database_url)
    try:
        return {
            (model.payload_sample_rate, model.redact)
            for model in database_source(db)()
            if model.name == name
        }
    finally:
        db.dispose()
