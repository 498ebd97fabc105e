from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import mlplane


def _raw(client: mlplane.Client) -> httpx.Client:
    return client.transport.http


def test_create_project_makes_caller_admin(client: mlplane.Client) -> None:
    project = client.projects.create("fraud", description="fraud models", tags={"team": "risk"})

    assert project.name == "fraud"
    assert project.owner == "admin"
    assert project.role == "admin"
    assert project.tags == {"team": "risk"}
    assert [member.user for member in client.projects.members("fraud")] == ["admin"]


def test_create_project_rejects_bad_name(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.create("Not A Slug")

    assert caught.value.status == 422
    assert "name" in caught.value.detail
    assert client.projects.list() == []


def test_create_project_rejects_over_long_name(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.create("x" * 64)

    assert caught.value.status == 422
    assert caught.value.problem["errors"][0]["field"] == "name"


def test_create_project_rejects_wrong_types_and_unknown_fields(client: mlplane.Client) -> None:
    wrong_type = _raw(client).post("/api/v1/projects", json={"name": "ok", "tags": ["x"]})
    unknown = _raw(client).post("/api/v1/projects", json={"name": "ok", "colour": "red"})

    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["field"] == "tags"
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "colour"
    assert client.projects.list() == []


def test_create_project_rejects_malformed_json(client: mlplane.Client) -> None:
    response = _raw(client).post(
        "/api/v1/projects", content=b'{"name": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert client.projects.list() == []


def test_create_project_twice_is_409(client: mlplane.Client) -> None:
    client.projects.create("twice")

    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.create("twice")

    assert caught.value.status == 409


def test_create_project_with_unknown_owner_writes_nothing(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.create("orphan", owner="nobody")

    assert caught.value.status == 422
    assert "owner" in caught.value.detail
    assert client.projects.list() == []


def test_create_project_with_idempotency_key_is_not_duplicated(client: mlplane.Client) -> None:
    headers = {"Idempotency-Key": "abc-123"}
    first = _raw(client).post("/api/v1/projects", json={"name": "once"}, headers=headers)
    retry = _raw(client).post("/api/v1/projects", json={"name": "once"}, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert [event.action for event in client.audit.list()] == ["create_project"]


def test_get_unknown_project_is_404(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.get("missing")

    assert caught.value.status == 404
    assert "missing" in caught.value.detail


def test_get_project_without_membership_looks_missing(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client]
) -> None:
    client.projects.create("private")
    alice = user_client("alice")

    with pytest.raises(mlplane.ApiError) as caught:
        alice.projects.get("private")

    assert caught.value.status == 404


def test_update_project_as_viewer_is_403_and_audited(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client], project: str
) -> None:
    viewer = user_client("vic", project, "viewer")

    with pytest.raises(mlplane.ApiError) as caught:
        viewer.projects.update(project, description="hijacked")

    assert caught.value.status == 403
    assert client.projects.get(project).description == "made by the test fixture"
    denied = client.audit.list(outcome="denied")
    assert [(event.actor, event.action) for event in denied] == [("vic", "update_project")]


def test_list_projects_shows_only_memberships(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client], project: str
) -> None:
    client.projects.create("hidden")
    editor = user_client("ed", project, "editor")

    assert [item.name for item in editor.projects.list()] == [project]
    assert editor.projects.list()[0].role == "editor"


def test_list_projects_paginates(client: mlplane.Client) -> None:
    for index in range(5):
        client.projects.create(f"p{index}")

    page = _raw(client).get("/api/v1/projects", params={"max_results": 2}).json()

    assert [item["name"] for item in page["items"]] == ["p0", "p1"]
    assert [project.name for project in client.projects.list()] == [f"p{i}" for i in range(5)]


def test_archive_project_refuses_changes_until_restored(
    client: mlplane.Client, project: str
) -> None:
    client.projects.archive(project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.update(project, description="x")
    assert caught.value.status == 409
    assert client.projects.list() == []
    assert [item.name for item in client.projects.list(include_archived=True)] == [project]

    client.projects.restore(project)
    assert client.projects.update(project, description="x").description == "x"


def test_update_member_changes_role(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client], project: str
) -> None:
    user_client("fay", project, "viewer")

    client.projects.add_member(project, "fay", "editor")

    roles = {member.user: member.role for member in client.projects.members(project)}
    assert roles == {"admin": "admin", "fay": "editor"}


def test_update_member_with_bad_role_is_422(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.add_member(project, "admin", "superuser")

    assert caught.value.status == 422
    assert "role" in caught.value.detail


def test_delete_member_owner_is_refused(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.remove_member(project, "admin")

    assert caught.value.status == 422
