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
