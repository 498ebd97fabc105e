"""The pipeline pages in a real browser against a real `mlplane up`: a run goes live to done."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import mlplane
from mlplane.pipelines.runner import PipelineResult
from tests.harness.platform import RunningPlatform
from tests.pipelines import steps

pytestmark = [pytest.mark.browser, pytest.mark.platform]

LIVE_TIMEOUT_MS = 30_000


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_run_graph_updates_live_until_done(
    page: Page, live_platform: RunningPlatform, tmp_path: Path
) -> None:
    project = f"flows-{uuid.uuid4().hex[:8]}"
    flag = tmp_path / "go"
    sdk = mlplane.Client(url=live_platform.url, token=live_platform.token)
    results: list[PipelineResult] = []
    runner = threading.Thread(
        target=lambda: results.append(
            steps.gated.run({"flag": str(flag)}, project=project, client=sdk)
        )
    )
    runner.start()
    try:
        _sign_in(page, live_platform.token)
        page.goto(f"/projects/{project}/pipelines")
        row = page.locator("#pipeline-run-rows tr").first
        expect(row).to_have_attribute("data-state", "running", timeout=LIVE_TIMEOUT_MS)
        row.get_by_role("link").click()

        graph = page.locator("#pipeline-run-graph svg")
        expect(graph).to_be_visible()
        waiting = graph.locator('g[data-step="wait_for"]')
        expect(waiting).to_have_attribute("data-state", "running", timeout=LIVE_TIMEOUT_MS)
        expect(graph.locator('g[data-step="square"]')).to_have_attribute(
            "data-state", "succeeded", timeout=LIVE_TIMEOUT_MS
        )
        expect(graph.locator("path.dag-edge")).to_have_count(2)
        expect(page.locator("#pipeline-run-overview .live")).to_be_visible()

        flag.write_text("go")
        expect(page.locator("#pipeline-run-live")).to_have_attribute(
            "data-state", "succeeded", timeout=LIVE_TIMEOUT_MS
        )
        expect(waiting).to_have_attribute("data-state", "succeeded")
        expect(graph.locator('g[data-step="total"]')).to_have_attribute("data-state", "succeeded")
        expect(page.locator("#pipeline-run-overview .live")).to_have_count(0)
    finally:
        flag.write_text("go")
        runner.join(timeout=60)
        sdk.close()
    assert results[0].result == 10


def test_schedules_page_shows_schedule(page: Page, live_platform: RunningPlatform) -> None:
    project = f"sched-{uuid.uuid4().hex[:8]}"
    with mlplane.Client(url=live_platform.url, token=live_platform.token) as sdk:
        sdk.projects.create(project)
        sdk.pipelines.create_schedule(project, "nightly", "flow.py:churn", "0 3 * * *")
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}/pipelines/schedules")
    row = page.locator('tr[data-schedule="nightly"]')
    expect(row).to_contain_text("0 3 * * *")
    page.get_by_role("link", name="Runs").click()
    expect(page).to_have_url(f"{live_platform.url}/projects/{project}/pipelines")
