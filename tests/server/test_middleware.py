from __future__ import annotations

from collections.abc import Callable

import mlplane


def test_denied_page_view_is_audited(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client]
) -> None:
    viewer = user_client("vera")

    response = viewer.transport.http.get("/users")

    assert response.status_code == 403
    denied = client.audit.list(outcome="denied")
    assert [(event.actor, event.resource) for event in denied] == [("vera", "/users")]


def test_reads_are_not_audited(client: mlplane.Client, project: str) -> None:
    client.projects.get(project)
    client.projects.list()

    assert [event.action for event in client.audit.list()] == ["create_project"]


def test_create_commits_one_success_event_with_the_change(client: mlplane.Client) -> None:
    client.projects.create("audited")

    events = client.audit.list(action="create_project")

    assert [(event.outcome, event.status_code, event.project) for event in events] == [
        ("success", 201, "audited")
    ]


def test_refused_change_is_audited_as_failure_only(client: mlplane.Client, project: str) -> None:
    response = client.transport.http.post("/api/v1/projects", json={"name": project})

    assert response.status_code == 409
    events = client.audit.list(action="create_project")
    assert sorted((event.outcome, event.status_code) for event in events) == [
        ("failure", 409),
        ("success", 201),
    ]
