"""The studies pages in a real browser, after a real `mlplane tune` search on `mlplane up`."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import mlplane
from mlplane.compute.tuning import tune
from tests.harness.platform import RunningPlatform

pytestmark = [pytest.mark.browser, pytest.mark.platform]

OBJECTIVE = (
    "import mlplane\n"
    "from mlplane.compute.tuning import trial_params\n"
    "mlplane.log_metric('loss', (trial_params()['x'] - 2) ** 2)\n"
)


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_study_page_draws_history_and_importance_of_a_search(
    page: Page, live_platform: RunningPlatform, tmp_path: Path
) -> None:
    project = f"tune-{uuid.uuid4().hex[:8]}"
    with mlplane.Client(url=live_platform.url, token=live_platform.token) as client:
        client.projects.create(project)
        result = tune(
            client,
            {"command": [sys.executable, "-c", OBJECTIVE], "timeout_seconds": 300},
            {
                "x": {"type": "float", "low": -5, "high": 5},
                "depth": {"type": "int", "low": 1, "high": 4},
            },
            metric="loss",
            n_trials=3,
            parallelism=3,
            project=project,
            study="sweep",
            storage=f"sqlite:///{tmp_path / 'optuna.db'}",
            poll_interval=0.3,
        )
    assert result.best is not None
    _sign_in(page, live_platform.token)

    page.goto(f"/projects/{project}/jobs")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Studies"
    ).click()
    row = page.locator('tr[data-study="sweep"]')
    expect(row.locator("[data-best]")).to_have_text(f"{result.best.value:.6g}")
    row.get_by_role("link", name="sweep").click()

    expect(page).to_have_url(f"{live_platform.url}/projects/{project}/studies/sweep")
    expect(page.locator("#trials tbody tr")).to_have_count(3)
    expect(page.locator(f'tr[data-trial="{result.best.number}"]')).to_have_attribute(
        "data-best", ""
    )
    expect(page.locator("#history-chart .uplot")).to_have_count(1)
    expect(page.locator("#importance-chart .uplot")).to_have_count(1)
