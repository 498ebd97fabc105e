"""The pages over plain HTTP: what they show, their forms, their errors, their assets."""

from __future__ import annotations

import re

import httpx
import pytest

from mlplane.ui.navigation import NAVIGATION
from mlplane.ui.templating import asset_url

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


def _user_token(api: httpx.Client, name: str, project: str | None = None, role: str = "") -> str:
    assert api.post("/users", json={"name": name}).status_code == 201
    if project:
        member = api.put(f"/projects/{project}/members/{name}", json={"role": role})
        assert member.status_code == 200
    created = api.post("/tokens", json={"name": f"{name}-token", "user": name})
    secret: str = created.json()["secret"]
    return secret


@pytest.mark.parametrize("path", ["/", "/projects", "/audit", "/tokens", "/users"])
def test_get_page_renders_with_content_security_policy(signed_in: httpx.Client, path: str) -> None:
    response = signed_in.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert 'class="nav-link active"' in response.text


def test_navigation_lists_only_existing_pages(signed_in: httpx.Client) -> None:
    statuses = {entry.path: signed_in.get(entry.path).status_code for entry in NAVIGATION}

    assert statuses == {entry.path: 200 for entry in NAVIGATION}


def test_overview_counts_projects_and_charts_audit(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    admin_api.post("/projects", json={"name": "alpha"})
    admin_api.post("/projects", json={"name": "beta"})
    signed_in.post("/ui/login", data={"token": "wrong"})

    response = signed_in.get("/")

    assert re.search(r'id="stat-projects">2<', response.text)
    assert re.search(r'id="stat-users">1<', response.text)
    assert re.search(r'id="stat-denied">1<', response.text)
    chart = re.search(r"data-chart='([^']*)'", response.text)
    assert chart is not None
    assert '"label": "All events"' in chart.group(1)


def test_create_project_from_form_fragment_lists_it(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    response = signed_in.post(
        "/ui/projects",
        data={"name": "fraud", "display_name": "Fraud", "description": "card fraud"},
        headers=HTMX,
    )

    assert response.status_code == 201
    assert response.text.lstrip().startswith('<div id="projects-panel"')
    assert 'Project <a href="/projects/fraud"><strong>fraud</strong></a> created' in response.text
    assert admin_api.get("/projects/fraud").json()["description"] == "card fraud"
    [event] = admin_api.get("/audit", params={"action": "create_project"}).json()["items"]
    assert (event["actor"], event["project"], event["outcome"]) == ("admin", "fraud", "success")


def test_create_project_with_bad_name_keeps_input_and_explains(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    response = signed_in.post(
        "/ui/projects", data={"name": "Bad Name", "description": "kept"}, headers=HTMX
    )

    assert response.status_code == 422
    assert 'id="name-error">use lowercase letters' in response.text
    assert 'value="Bad Name"' in response.text
    assert ">kept</textarea>" in response.text
    assert admin_api.get("/projects").json()["items"] == []


def test_create_project_twice_shows_conflict(signed_in: httpx.Client) -> None:
    signed_in.post("/ui/projects", data={"name": "twice"}, headers=HTMX)

    response = signed_in.post("/ui/projects", data={"name": "twice"}, headers=HTMX)

    assert response.status_code == 409
    assert "project &#39;twice&#39; already exists" in response.text


def test_projects_archived_filter(signed_in: httpx.Client, admin_api: httpx.Client) -> None:
    admin_api.post("/projects", json={"name": "current"})
    admin_api.post("/projects", json={"name": "old"})
    admin_api.post("/projects/old/archive")

    default = signed_in.get("/projects")
    archived = signed_in.get("/projects?archived=true")

    assert "/projects/current" in default.text
    assert "/projects/old" not in default.text
    assert "/projects/old" in archived.text


def test_project_page_shows_members_and_recent_events(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    admin_api.post("/projects", json={"name": "vision", "description": "image models"})
    _user_token(admin_api, "vera", "vision", "viewer")

    response = signed_in.get("/projects/vision")

    assert response.status_code == 200
    assert "image models" in response.text
    members = response.text[response.text.index('id="members"') :]
    assert re.search(r"<td>vera</td><td><span class=\"badge [^\"]+\">viewer</span>", members)
    assert "<code>update_member</code>" in response.text


def test_missing_project_shows_friendly_404(signed_in: httpx.Client) -> None:
    response = signed_in.get("/projects/nowhere")

    assert response.status_code == 404
    assert "This page does not exist" in response.text
    assert "Project &#39;nowhere&#39; does not exist." in response.text


def test_viewer_gets_friendly_403_on_users_and_no_link(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    token = _user_token(admin_api, "vic")
    app_http.post("/ui/login", data={"token": token})

    overview = app_http.get("/")
    users = app_http.get("/users")

    assert overview.status_code == 200
    assert 'href="/users"' not in overview.text
    assert 'id="stat-users"' not in overview.text
    assert users.status_code == 403
    assert "You do not have access to this page" in users.text


def test_viewer_cannot_create_users_by_posting(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    token = _user_token(admin_api, "mallory")
    app_http.post("/ui/login", data={"token": token})

    response = app_http.post("/ui/users", data={"name": "sneaky"})

    assert response.status_code == 403
    assert admin_api.get("/users/sneaky").status_code == 404


def test_audit_filters_by_outcome_and_paginates(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    for index in range(55):
        admin_api.post("/projects", json={"name": f"p{index:02d}"})
    signed_in.post("/ui/login", data={"token": "wrong"})

    denied = signed_in.get("/audit?outcome=denied", headers=HTMX)
    first = signed_in.get("/audit?action=create_project")
    older = re.search(r'href="(/audit\?[^"]*page_token=[^"]*)"', first.text)

    assert denied.text.lstrip().startswith('<section class="card" id="audit-results"')
    assert denied.text.count("<tr>") == 2  # header and the one failed sign-in
    assert "<code>sign_in</code>" in denied.text
    assert first.text.count("<code>create_project</code>") == 50
    assert older is not None
    second = signed_in.get(older.group(1).replace("&amp;", "&"))
    assert second.text.count("<code>create_project</code>") == 5


def test_audit_with_unknown_outcome_explains(signed_in: httpx.Client) -> None:
    response = signed_in.get("/audit?outcome=sideways")

    assert response.status_code == 422
    assert "must be one of success, denied, failure" in response.text


def test_token_created_in_panel_works_until_revoked(
    signed_in: httpx.Client, app_http: httpx.Client
) -> None:
    created = signed_in.post(
        "/ui/tokens", data={"name": "ci", "expires_in_days": "7"}, headers=HTMX
    )
    secret = re.search(r'id="new-token-secret">([^<]+)<', created.text)
    assert created.status_code == 201
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert app_http.get("/api/v1/whoami", headers=bearer).json()["name"] == "admin"
    listed = signed_in.get("/tokens")
    assert secret.group(1) not in listed.text
    token_id = re.search(r'<tr data-token="ci">.*?/ui/tokens/([^/]+)/revoke', listed.text, re.S)
    assert token_id is not None

    revoked = signed_in.post(f"/ui/tokens/{token_id.group(1)}/revoke", headers=HTMX)

    assert revoked.status_code == 200
    assert app_http.get("/api/v1/whoami", headers=bearer).status_code == 401


def test_revoking_own_session_token_signs_out(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    created = admin_api.post("/tokens", json={"name": "browser"}).json()
    app_http.post("/ui/login", data={"token": created["secret"]})

    response = app_http.post(f"/ui/tokens/{created['id']}/revoke", headers=HTMX)

    assert response.headers["hx-redirect"] == "/login"
    assert app_http.get("/").status_code == 303


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("mlplane.css", "text/css"),
        ("charts.js", "javascript"),
        ("vendor/htmx.min.js", "javascript"),
        ("vendor/uPlot.iife.min.js", "javascript"),
        ("vendor/uPlot.min.css", "text/css"),
    ],
)
def test_static_asset_is_served(app_http: httpx.Client, asset: str, content_type: str) -> None:
    response = app_http.get(asset_url(asset))

    assert response.status_code == 200
    assert content_type in response.headers["content-type"]
    assert len(response.content) > 1000
