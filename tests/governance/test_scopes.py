from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.governance.scopes import ScopeKind, TokenScope, admits_model, parse_scope


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("project:shop", TokenScope(ScopeKind.PROJECT, project="shop")),
        ("deployment:churn", TokenScope(ScopeKind.DEPLOYMENT, name="churn")),
        ("deployment:shop/churn", TokenScope(ScopeKind.DEPLOYMENT, project="shop", name="churn")),
        ("deployment:*", TokenScope(ScopeKind.DEPLOYMENT, name="*")),
        ("deployment:shop/*", TokenScope(ScopeKind.DEPLOYMENT, project="shop", name="*")),
        ("api:read", TokenScope(ScopeKind.API)),
    ],
)
def test_parse_scope_reads_each_form(text: str, parsed: TokenScope) -> None:
    assert parse_scope(text) == parsed


@pytest.mark.parametrize(
    "text",
    ["churn", "model:churn", "deployment:", "deployment:Churn", "project:*", "api:write",
     "deployment:a/b/c", "project:shop/churn", "deployment:/churn"],
)  # fmt: skip
def test_parse_scope_refuses_malformed_scopes(text: str) -> None:
    with pytest.raises(ValueError, match="scope"):
        parse_scope(text)


def test_admits_model_by_name_project_or_wildcard() -> None:
    assert admits_model(None, "shop", "churn")
    assert admits_model(("deployment:churn",), "shop", "churn")
    assert admits_model(("deployment:shop/churn",), "shop", "churn")
    assert admits_model(("deployment:shop/*",), "shop", "fraud")
    assert admits_model(("project:shop",), "shop", "fraud")
    assert not admits_model(("deployment:churn",), "shop", "fraud")
    assert not admits_model(("deployment:other/churn",), "shop", "churn")
    assert not admits_model(("api:read",), "shop", "churn")
    assert not admits_model((), "shop", "churn")


def test_create_token_with_a_malformed_scope_is_422_naming_it(client: mlplane.Client) -> None:
    with pytest.raises(ApiError) as raised:
        client.tokens.create("app", scopes=["deployment:churn", "model:churn"])

    assert raised.value.status == 422
    assert "model:churn" in str(raised.value)
    assert [token.name for token in client.tokens.list()] == ["bootstrap"]


def _scoped_client(client: mlplane.Client, home: object, *scopes: str) -> mlplane.Client:
    secret = client.tokens.create("scoped", scopes=list(scopes)).secret
    return mlplane.Client(token=secret, home=home)  # type: ignore[arg-type]


def _raw(client: mlplane.Client) -> httpx.Client:
    return client.transport.http


def test_deployment_scoped_token_is_refused_by_the_api_naming_its_scope(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, "deployment:churn") as app:
        response = _raw(app).get(f"/api/v1/projects/{project}")
        whoami = _raw(app).get("/api/v1/whoami")

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "deployment:churn" in response.json()["detail"]
    assert "gateway" in response.json()["detail"]
    assert whoami.status_code == 403


def test_project_scoped_token_reaches_only_its_project(
    client: mlplane.Client, project: str, home: object
) -> None:
    client.projects.create("other")
    with _scoped_client(client, home, f"project:{project}") as scoped:
        own = _raw(scoped).get(f"/api/v1/projects/{project}")
        other = _raw(scoped).get("/api/v1/projects/other")
        listed = [item.name for item in scoped.projects.list()]

    assert own.status_code == 200
    assert other.status_code == 403
    assert f"project:{project}" in other.json()["detail"]
    assert "'other'" in other.json()["detail"]
    assert listed == [project]


def test_project_scoped_token_writes_in_its_project(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, f"project:{project}") as scoped:
        response = _raw(scoped).patch(
            f"/api/v1/projects/{project}", json={"description": "changed by a scoped token"}
        )

    assert response.status_code == 200
    assert client.projects.get(project).description == "changed by a scoped token"


def test_scoped_token_cannot_write_outside_projects(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, f"project:{project}") as scoped:
        made_project = _raw(scoped).post("/api/v1/projects", json={"name": "sneaky"})
        made_token = _raw(scoped).post("/api/v1/tokens", json={"name": "unscoped"})

    assert made_project.status_code == 403
    assert "may only read" in made_project.json()["detail"]
    assert made_token.status_code == 403
    assert [p.name for p in client.projects.list()] == [project]
    assert sorted(token.name for token in client.tokens.list()) == ["bootstrap", "scoped"]


def test_read_scoped_token_reads_but_does_not_write(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, "api:read") as reader:
        read = _raw(reader).get(f"/api/v1/projects/{project}")
        write = _raw(reader).patch(f"/api/v1/projects/{project}", json={"description": "no"})

    assert read.status_code == 200
    assert write.status_code == 403
    assert "api:read" in write.json()["detail"]
    assert client.projects.get(project).description == "made by the test fixture"


def test_refused_scoped_call_is_audited_as_denied(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, "api:read") as reader:
        _raw(reader).patch(f"/api/v1/projects/{project}", json={"description": "no"})

    denied = client.audit.list(outcome="denied")
    assert [(event.status_code, event.project) for event in denied] == [(403, project)]


def test_scoped_token_narrows_a_member_to_its_project(
    client: mlplane.Client,
    project: str,
    home: object,
    user_client: Callable[..., mlplane.Client],
) -> None:
    client.projects.create("other")
    user_client("ana", project, "editor")
    client.projects.add_member("other", "ana", "editor")
    secret = client.tokens.create("ana-app", user="ana", scopes=["project:other"]).secret
    with mlplane.Client(token=secret, home=home) as ana:  # type: ignore[arg-type]
        listed = [item.name for item in ana.projects.list()]
        refused = _raw(ana).get(f"/api/v1/projects/{project}")

    assert listed == ["other"]
    assert refused.status_code == 403


def test_project_scoped_token_reaches_no_other_project_through_the_mlflow_api(
    client: mlplane.Client, project: str, home: object
) -> None:
    client.projects.create("other")
    with _scoped_client(client, home, f"project:{project}") as scoped:
        own = _raw(scoped).get(
            "/api/2.0/mlflow/experiments/search",
            params={"max_results": 10},
            headers={"X-Mlplane-Project": project},
        )
        other = _raw(scoped).get(
            "/api/2.0/mlflow/experiments/search",
            params={"max_results": 10},
            headers={"X-Mlplane-Project": "other"},
        )

    assert own.status_code == 200
    assert other.status_code == 404


def test_project_scoped_token_logs_through_the_mlflow_api_in_its_project(
    client: mlplane.Client, project: str, home: object
) -> None:
    with _scoped_client(client, home, f"project:{project}") as scoped:
        created = _raw(scoped).post(
            "/api/2.0/mlflow/experiments/create",
            json={"name": "from-a-job"},
            headers={"X-Mlplane-Project": project},
        )

    assert created.status_code == 200, created.text
    assert [e.name for e in client.experiments.list(project=project)] == ["from-a-job"]
