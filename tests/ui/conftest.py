"""Fixtures for the control panel: the app in-process for HTTP tests, and a real
`mlplane up` driven by Debian's Chromium for browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from mlplane.client.in_process import SyncAsgiTransport
from mlplane.core.settings import load_settings
from mlplane.server.app import create_app
from tests.harness.platform import RunningPlatform, run_platform
from tests.harness.postgres import create_database
from tests.harness.services import require_service

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PANEL_ORIGIN = "http://panel.test"
# Chromium logs every 4xx document as a console error; those are answers the tests expect.
EXPECTED_CONSOLE_NOISE = ("Failed to load resource",)


@pytest.fixture
def app_transport(home: Path, database_url: str) -> Iterator[SyncAsgiTransport]:
    """The app in-process on a fresh home, reachable through httpx."""
    app = create_app(load_settings(home, database_url=database_url))
    transport = SyncAsgiTransport(app, on_close=app.state.platform.close)
    yield transport
    transport.close()


@pytest.fixture
def app_http(app_transport: SyncAsgiTransport) -> Iterator[httpx.Client]:
    """A signed-out browser stand-in: keeps cookies, follows no redirects."""
    with httpx.Client(transport=app_transport, base_url=PANEL_ORIGIN) as http:
        yield http


@pytest.fixture
def admin_token(app_transport: SyncAsgiTransport, home: Path) -> str:
    return (home / "admin.token").read_text().strip()


@pytest.fixture
def admin_api(app_transport: SyncAsgiTransport, admin_token: str) -> Iterator[httpx.Client]:
    """The same app through its JSON API as the administrator, to arrange and check state."""
    with httpx.Client(
        transport=app_transport,
        base_url=f"{PANEL_ORIGIN}/api/v1",
        headers={"Authorization": f"Bearer {admin_token}"},
    ) as api:
        yield api


@pytest.fixture(scope="session")
def live_platform(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RunningPlatform]:
    """One real platform for every browser test; tests name what they create uniquely."""
    home = tmp_path_factory.mktemp("panel") / "home"
    home.mkdir()
    env = {}
    if os.environ.get("MLPLANE_TEST_DATABASE") == "postgres":
        env["MLPLANE_DATABASE_URL"] = create_database(request.getfixturevalue("postgres_url"))
    with run_platform(home, env=env) as platform:
        yield platform


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        require_service("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Script errors and content-policy refusals the browser reported during a test."""
    return []


@pytest.fixture
def page(
    browser: Browser, live_platform: RunningPlatform, console_errors: list[str]
) -> Iterator[Page]:
    """A fresh browser profile on the live platform; any script or CSP error fails the test."""
    context = browser.new_context(
        base_url=live_platform.url, viewport={"width": 1360, "height": 900}
    )
    context.set_default_timeout(15_000)
    opened = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(EXPECTED_CONSOLE_NOISE):
            console_errors.append(message.text)

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: console_errors.append(str(error)))
    yield opened
    context.close()
    assert console_errors == [], f"the browser reported errors: {console_errors}"
