from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

import mlplane
from mlplane.core.db import Database
from mlplane.governance.tables import TokenRow


def _raw(client: mlplane.Client) -> httpx.Client:
    return client.transport.http


def test_list_projects_without_token_is_401_problem(client: mlplane.Client) -> None:
    response = _raw(client).get("/api/v1/projects", headers={"Authorization": ""})

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


def test_list_projects_with_unknown_token_is_401(client: mlplane.Client) -> None:
    response = _raw(client).get("/api/v1/projects", headers={"Authorization": "Bearer mlp_nope"})

    assert response.status_code == 401
    assert response.json()["detail"] == "the token is not valid"


def test_authenticate_refused_requests_are_audited(client: mlplane.Client) -> None:
    _raw(client).get("/api/v1/projects", headers={"Authorization": "Bearer mlp_nope"})

    denied = client.audit.list(outcome="denied")

    assert len(denied) == 1
    assert denied[0].actor is None
    assert denied[0].status_code == 401
    assert denied[0].resource == "/api/v1/projects"


def test_create_token_stores_only_a_hash(
    client: mlplane.Client, home: Path, database_url: str
) -> None:
    created = client.tokens.create("ci")

    db = Database(database_url)
    with db.read() as session:
        rows = session.scalars(select(TokenRow)).all()
    db.dispose()
    stored = " ".join(f"{row.secret_hash} {row.prefix}" for row in rows)
    assert created.secret not in stored
    assert created.secret.startswith(created.prefix)
    assert len(created.prefix) < len(created.secret) // 2


def test_delete_token_revokes_it_at_once(client: mlplane.Client, home: Path) -> None:
    created = client.tokens.create("short-lived")
    other = mlplane.Client(token=created.secret, home=home)
    assert other.users.me().name == "admin"

    client.tokens.delete(created.id)

    with pytest.raises(mlplane.ApiError) as caught:
        other.users.me()
    assert caught.value.status == 401
    assert "revoked" in caught.value.detail


def test_list_tokens_records_last_use(client: mlplane.Client, home: Path) -> None:
    created = client.tokens.create("used")
    mlplane.Client(token=created.secret, home=home).users.me()

    listed = {token.id: token for token in client.tokens.list()}

    assert listed[created.id].last_used_at is not None


def test_create_user_by_non_admin_is_403(user_client: Callable[..., mlplane.Client]) -> None:
    alice = user_client("alice")

    with pytest.raises(mlplane.ApiError) as caught:
        alice.users.create("mallory")

    assert caught.value.status == 403


def test_create_user_twice_is_409(client: mlplane.Client) -> None:
    client.users.create("carol")

    with pytest.raises(mlplane.ApiError) as caught:
        client.users.create("carol")

    assert caught.value.status == 409


def test_create_service_account_admin_is_422(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.users.create("bot", kind="service", is_admin=True)

    assert caught.value.status == 422
    assert [user.name for user in client.users.list()] == ["admin"]


def test_update_user_disabled_blocks_their_tokens(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client]
) -> None:
    dave = user_client("dave")

    client.users.update("dave", disabled=True)

    with pytest.raises(mlplane.ApiError) as caught:
        dave.users.me()
    assert caught.value.status == 401


def test_create_token_for_another_user_needs_admin(
    user_client: Callable[..., mlplane.Client],
) -> None:
    alice = user_client("alice")
    user_client("bob")

    with pytest.raises(mlplane.ApiError) as caught:
        alice.tokens.create("stolen", user="bob")

    assert caught.value.status == 403


def test_create_token_with_expiry_in_the_past_is_refused(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.tokens.create("bad", expires_in_days=0)

    assert caught.value.status == 422
    assert "expires_in_days" in caught.value.detail


def test_list_audit_records_every_mutation(client: mlplane.Client) -> None:
    client.projects.create("audited")
    client.projects.update("audited", description="changed")
    client.users.create("erin")

    actions = [event.action for event in client.audit.list()]

    assert actions == ["create_user", "update_project", "create_project"]


def test_list_audit_filters_by_project_and_action(client: mlplane.Client) -> None:
    client.projects.create("one")
    client.projects.create("two")
    client.projects.update("two", description="x")

    events = client.audit.list(project="two", action="update")

    assert [(event.project, event.action) for event in events] == [("two", "update_project")]


def test_list_audit_for_non_admin_shows_own_and_administered(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client]
) -> None:
    client.projects.create("secret")
    alice = user_client("alice")
    alice.projects.create("alices")

    events = alice.audit.list()

    assert {event.project for event in events} == {"alices"}
    assert all(event.actor == "alice" for event in events)


def test_list_audit_paginates(client: mlplane.Client) -> None:
    for index in range(5):
        client.projects.create(f"p{index}")

    first = _raw(client).get("/api/v1/audit", params={"max_results": 2}).json()
    second = (
        _raw(client)
        .get("/api/v1/audit", params={"max_results": 2, "page_token": first["next_page_token"]})
        .json()
    )

    assert [item["project"] for item in first["items"]] == ["p4", "p3"]
    assert [item["project"] for item in second["items"]] == ["p2", "p1"]


def test_create_token_with_rate_limit_defaults_burst_to_one_second(
    client: mlplane.Client,
) -> None:
    created = client.tokens.create("app", rate_limit=2.5)

    assert created.rate_limit is not None
    assert (created.rate_limit.per_second, created.rate_limit.burst) == (2.5, 3)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "app", "rate_limit": {"per_second": 0}},
        {"name": "app", "rate_limit": {"per_second": 5, "burst": 0}},
        {"name": "app", "scopes": []},
    ],
)
def test_create_token_with_bad_limits_or_empty_scopes_is_422(
    client: mlplane.Client, body: dict[str, object]
) -> None:
    response = _raw(client).post("/api/v1/tokens", json=body)

    assert response.status_code == 422
    assert [token.name for token in client.tokens.list()] == ["bootstrap"]
