"""The compute pages in a real browser against a real `mlplane up` whose worker runs the jobs.

The platform is shared by every browser test, so each test uses a project of its own.
"""

from __future__ import annotations

import sys
import uuid

import pytest
from playwright.sync_api import Page, expect

import mlplane
from tests.harness.platform import RunningPlatform

pytestmark = [pytest.mark.browser, pytest.mark.platform]

# Polling refreshes every 2 s: leave room for a few rounds and a job start on a busy machine.
LIVE_TIMEOUT_MS = 60_000


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.fixture
def admin_sdk(live_platform: RunningPlatform) -> mlplane.Client:
    return mlplane.Client(url=live_platform.url, token=live_platform.token)


def test_job_page_follows_a_job_live_to_its_end(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    project = f"jobs-{uuid.uuid4().hex[:8]}"
    admin_sdk.projects.create(project)
    code = "import time; print('first line', flush=True); time.sleep(4); print('last line')"
    job = admin_sdk.jobs.submit(
        project=project, name="live-job", command=[sys.executable, "-c", code]
    )
    _sign_in(page, live_platform.token)

    page.goto(f"/projects/{project}/jobs")
    row = page.locator(f'tr[data-job="{job.id}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name="live-job").click()

    logs = page.locator("#job-logs")
    expect(logs).to_contain_text("first line", timeout=LIVE_TIMEOUT_MS)
    expect(page.locator("#job-live")).to_have_attribute(
        "data-status", "SUCCEEDED", timeout=LIVE_TIMEOUT_MS
    )
    expect(logs).to_contain_text("last line")
    expect(page.locator("#job-live .live")).to_have_count(0)

    page.goto(f"/projects/{project}/jobs")
    expect(page.locator(f'tr[data-job="{job.id}"]')).to_have_attribute("data-status", "SUCCEEDED")


def test_compute_page_shows_pools_and_draws_cost_chart(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    _sign_in(page, live_platform.token)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compute").click()
    expect(page).to_have_url(f"{live_platform.url}/compute")
    expect(page.locator('tr[data-pool="local"]')).to_be_visible()
    expect(page.locator("#cost-chart .uplot")).to_have_count(1)
