"""The control panel in a real browser against a real `mlplane up`.

The platform is shared by every test here, so each test names what it creates uniquely.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

import mlplane
from tests.harness.platform import RunningPlatform

pytestmark = [pytest.mark.browser, pytest.mark.platform]


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _sign_in(page: Page, token: str, *, open_login: bool = True) -> None:
    if open_login:
        page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _open(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()


def _reload_until(page: Page, condition: Callable[[], bool], within: float = 30.0) -> None:
    """Reload a server-rendered page until it shows what the platform will soon report."""
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()


@pytest.fixture
def admin_sdk(live_platform: RunningPlatform) -> mlplane.Client:
    return mlplane.Client(url=live_platform.url, token=live_platform.token)


def test_sign_in_with_admin_token_shows_overview(
    page: Page, live_platform: RunningPlatform
) -> None:
    page.goto("/projects")
    expect(page).to_have_url(re.compile(r"/login\?next=/projects$"))

    _sign_in(page, live_platform.token, open_login=False)

    expect(page).to_have_url(re.compile(r"/projects$"))
    _open(page, "Overview")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    processes = page.locator("#processes")
    _reload_until(page, lambda: processes.locator("tbody tr").count() == 3)
    for kind in ("api", "worker", "gateway"):
        row = processes.locator("tr", has=page.get_by_text(kind, exact=True))
        expect(row.locator(".badge")).to_have_text("alive")
    # charts.js drew the audit chart with uPlot.
    expect(page.locator("#audit-chart .uplot canvas")).to_have_count(1)


def test_sign_in_with_wrong_token_shows_error(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill("mlp_wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text("The token is not valid.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_create_project_through_form(page: Page, live_platform: RunningPlatform) -> None:
    name = _unique("fraud")
    _sign_in(page, live_platform.token)
    _open(page, "Projects")

    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Description").fill("Card fraud models")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("status")).to_contain_text(f"Project {name} created")
    expect(page.get_by_label("Name", exact=True)).to_have_value("")
    page.locator("#projects-table").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("Card fraud models")).to_be_visible()
    expect(page.locator("#members")).to_contain_text("admin")


def test_create_existing_project_shows_conflict(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    name = _unique("taken")
    admin_sdk.projects.create(name)
    _sign_in(page, live_platform.token)
    page.goto("/projects")

    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("alert")).to_have_text(f"project '{name}' already exists")
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)


def test_projects_archived_filter(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    name = _unique("retired")
    admin_sdk.projects.create(name)
    admin_sdk.projects.archive(name)
    _sign_in(page, live_platform.token)
    page.goto("/projects")
    table = page.locator("#projects-table")
    expect(table.get_by_role("link", name=name)).to_have_count(0)

    page.get_by_label("Show archived").check()

    expect(page).to_have_url(re.compile(r"/projects\?archived=true$"))
    row = table.locator("tr", has=page.get_by_role("link", name=name))
    expect(row.locator(".badge", has_text="archived")).to_be_visible()


def test_create_project_with_bad_name_shows_field_error(
    page: Page, live_platform: RunningPlatform
) -> None:
    _sign_in(page, live_platform.token)
    page.goto("/projects")
    name = page.get_by_label("Name", exact=True)

    # The browser checks the name pattern before anything is sent; the server says the same.
    name.fill("Not A Name")
    page.get_by_role("button", name="Create project").click()

    assert name.evaluate("input => input.validity.patternMismatch") is True
    expect(page.locator("#name-error")).to_have_count(0)


def test_audit_page_shows_creation_and_filters_by_outcome(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    name = _unique("audited")
    _sign_in(page, live_platform.token)
    page.goto("/projects")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("status")).to_contain_text(name)
    with (
        mlplane.Client(url=live_platform.url, token="mlp_bogus") as stranger,
        pytest.raises(mlplane.ApiError),
    ):
        stranger.projects.list()

    _open(page, "Audit log")
    results = page.locator("#audit-results")
    creation = results.locator("tr", has=page.get_by_role("link", name=name))
    expect(creation).to_contain_text("create_project")
    expect(creation).to_contain_text("success")

    page.get_by_label("Outcome").select_option("denied")

    expect(page).to_have_url(re.compile(r"outcome=denied"))
    expect(results.locator("tbody tr").first).to_contain_text("denied")
    outcomes = results.locator("tbody tr .badge").all_inner_texts()
    assert outcomes
    assert set(outcomes) == {"denied"}
    expect(results.get_by_role("link", name=name)).to_have_count(0)


def test_viewer_sees_no_users_link_and_gets_friendly_403(
    page: Page, admin_sdk: mlplane.Client
) -> None:
    project, viewer = _unique("shared"), _unique("viewer")
    admin_sdk.projects.create(project)
    admin_sdk.users.create(viewer)
    admin_sdk.projects.add_member(project, viewer, "viewer")
    token = admin_sdk.tokens.create("browser", user=viewer).secret

    _sign_in(page, token)

    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Projects")).to_be_visible()
    expect(navigation.get_by_role("link", name="Users")).to_have_count(0)
    _open(page, "Projects")
    expect(page.locator("#projects-table")).to_contain_text(project)
    expect(page.locator("#projects-table .badge")).to_have_text("viewer")
    response = page.goto("/users")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()


def test_create_token_shows_secret_once_then_revoke(
    page: Page, live_platform: RunningPlatform
) -> None:
    name = _unique("laptop")
    _sign_in(page, live_platform.token)
    _open(page, "Tokens")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token-secret").inner_text()
    with mlplane.Client(url=live_platform.url, token=secret) as holder:
        assert holder.users.me().name == "admin"
    page.reload()
    expect(page.locator("#new-token-secret")).to_have_count(0)
    page.on("dialog", lambda dialog: dialog.accept())
    row = page.locator(f'tr[data-token="{name}"]')
    row.get_by_role("button", name="Revoke").click()

    expect(page.locator(f'tr[data-token="{name}"] .badge')).to_have_text("revoked")
    with (
        mlplane.Client(url=live_platform.url, token=secret) as holder,
        pytest.raises(mlplane.ApiError),
    ):
        holder.users.me()


def test_sign_out(page: Page, live_platform: RunningPlatform) -> None:
    _sign_in(page, live_platform.token)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_content_security_policy_refuses_injected_script(
    page: Page, live_platform: RunningPlatform, console_errors: list[str]
) -> None:
    _sign_in(page, live_platform.token)

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )

    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in error for error in console_errors)
    console_errors.clear()
