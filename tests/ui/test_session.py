"""Signing in and out over plain HTTP: redirects, the cookie, the cross-site guard."""

from __future__ import annotations

import httpx

from mlplane.server.deps import TOKEN_COOKIE
from tests.ui.conftest import PANEL_ORIGIN


def _sign_in(http: httpx.Client, token: str) -> httpx.Response:
    return http.post("/ui/login", data={"token": token})


def _audit(api: httpx.Client, **filters: str) -> list[dict[str, object]]:
    response = api.get("/audit", params=filters)
    assert response.status_code == 200
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_get_page_signed_out_redirects_to_login(app_http: httpx.Client) -> None:
    response = app_http.get("/projects?archived=true")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/projects%3Farchived%3Dtrue"


def test_get_fragment_signed_out_asks_htmx_to_redirect(app_http: httpx.Client) -> None:
    response = app_http.get("/audit", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login")


def test_sign_in_sets_httponly_strict_cookie(app_http: httpx.Client, admin_token: str) -> None:
    response = _sign_in(app_http, admin_token)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}={admin_token};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert app_http.get("/").status_code == 200


def test_sign_in_returns_to_local_next_path_only(app_http: httpx.Client, admin_token: str) -> None:
    local = app_http.post("/ui/login", data={"token": admin_token, "next": "/audit?actor=admin"})
    foreign = app_http.post("/ui/login", data={"token": admin_token, "next": "//evil.example/"})

    assert local.headers["location"] == "/audit?actor=admin"
    assert foreign.headers["location"] == "/"


def test_sign_in_with_wrong_token_is_refused_and_audited(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    response = _sign_in(app_http, "mlp_not-a-real-token")

    assert response.status_code == 401
    assert "The token is not valid." in response.text
    assert "set-cookie" not in response.headers
    [event] = _audit(admin_api, action="sign_in")
    assert event["outcome"] == "denied"
    assert event["status_code"] == 401
    assert event["actor"] is None
    assert event["detail"] == "the token is not valid"


def test_sign_in_with_valid_token_is_audited_with_actor(
    app_http: httpx.Client, admin_api: httpx.Client, admin_token: str
) -> None:
    _sign_in(app_http, admin_token)

    [event] = _audit(admin_api, action="sign_in")
    assert event["outcome"] == "success"
    assert event["actor"] == "admin"


def test_sign_out_clears_cookie(app_http: httpx.Client, admin_token: str) -> None:
    _sign_in(app_http, admin_token)

    response = app_http.post("/ui/logout")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert f'{TOKEN_COOKIE}=""' in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert app_http.get("/").status_code == 303


def test_login_page_signed_in_redirects_to_next(app_http: httpx.Client, admin_token: str) -> None:
    _sign_in(app_http, admin_token)

    response = app_http.get("/login?next=/tokens")

    assert response.status_code == 303
    assert response.headers["location"] == "/tokens"


def test_revoked_token_cookie_leads_back_to_login(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    created = admin_api.post("/tokens", json={"name": "short-lived"}).json()
    _sign_in(app_http, created["secret"])
    admin_api.delete(f"/tokens/{created['id']}")

    response = app_http.get("/tokens")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/tokens"
    assert f'{TOKEN_COOKIE}=""' in response.headers["set-cookie"]


def test_cross_site_post_is_refused(
    app_http: httpx.Client, admin_api: httpx.Client, admin_token: str
) -> None:
    _sign_in(app_http, admin_token)

    response = app_http.post(
        "/ui/projects", data={"name": "planted"}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "another site" in response.text
    assert admin_api.get("/projects/planted").status_code == 404
    [event] = _audit(admin_api, action="create_project")
    assert event["outcome"] == "denied"


def test_same_origin_post_is_accepted(
    app_http: httpx.Client, admin_api: httpx.Client, admin_token: str
) -> None:
    _sign_in(app_http, admin_token)

    response = app_http.post(
        "/ui/projects", data={"name": "welcome"}, headers={"Origin": PANEL_ORIGIN}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/projects/welcome"
    assert admin_api.get("/projects/welcome").status_code == 200


def test_post_from_opaque_origin_is_refused(app_http: httpx.Client, admin_token: str) -> None:
    _sign_in(app_http, admin_token)

    response = app_http.post("/ui/projects", data={"name": "sandboxed"}, headers={"Origin": "null"})

    assert response.status_code == 403


def test_post_signed_out_is_denied_not_redirected(
    app_http: httpx.Client, admin_api: httpx.Client
) -> None:
    response = app_http.post("/ui/projects", data={"name": "anonymous"})

    assert response.status_code == 401
    assert 'action="/ui/login"' in response.text
    [event] = _audit(admin_api, action="create_project")
    assert event["outcome"] == "denied"
