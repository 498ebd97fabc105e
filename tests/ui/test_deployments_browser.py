"""The deployments pages in a real browser against a real `mlplane up` whose gateway answers
real inference calls.

The platform is shared by every browser test, so each test uses names of its own.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane
from mlplane.registry.packaging import save_model
from tests.harness.platform import RunningPlatform
from tests.serving.conftest import FEATURES, LABELS

# A platform starts, loads two models and serves real calls on a machine that may have two cores.
pytestmark = [pytest.mark.browser, pytest.mark.platform, pytest.mark.timeout(300)]

# The gateway follows the desired state by polling and the page refreshes every 5 s: leave
# room for a few rounds on a busy machine.
LIVE_TIMEOUT_MS = 60_000
CALL = {
    "inputs": [
        {"name": "age", "shape": [2], "datatype": "FP64", "data": [30.0, 60.0]},
        {"name": "income", "shape": [2], "datatype": "FP64", "data": [1.0, 6.0]},
    ]
}


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _send_traffic(platform: RunningPlatform, name: str, revisions: set[str]) -> None:
    """Call the deployment until both revisions have answered (the split is random)."""
    answered: set[str] = set()
    last = ""
    deadline = time.monotonic() + 90
    with httpx.Client(
        base_url=platform.gateway_url,
        headers={"Authorization": f"Bearer {platform.token}"},
        timeout=30,
    ) as http:
        while answered != revisions or len(answered) < 2:
            assert time.monotonic() < deadline, (
                f"only {answered} answered; last: {last}\n{platform.log.read_text()[-3000:]}"
            )
            response = http.post(f"/v2/models/{name}/infer", json=CALL)
            if response.status_code == 200:
                answered.add(str(response.json()["model_version"]))
            else:
                last = f"{response.status_code} {response.text[:300]}"
                time.sleep(0.2)  # the gateway has not loaded the versions yet


def test_deployment_page_charts_real_traffic_and_promotes(
    page: Page, live_platform: RunningPlatform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saved with the platform's home, the models are signed by it and its gateway loads them.
    monkeypatch.setenv("MLPLANE_HOME", str(live_platform.home))
    project = f"deploy-{uuid.uuid4().hex[:8]}"
    name = f"churn-{uuid.uuid4().hex[:8]}"
    with mlplane.Client(url=live_platform.url, token=live_platform.token) as admin:
        admin.projects.create(project)
        for number in (1, 2):
            path = tmp_path / f"model-{number}"
            model = LogisticRegression(C=float(number)).fit(FEATURES, LABELS)
            save_model(model, path, input_example=FEATURES.head(2))
            admin.models.register(name, str(path), project=project)
        strategy = {"type": "canary", "step_weight": 50, "max_weight": 90, "interval": 3600}
        admin.deployments.create(name, f"models:/{name}/1", strategy=strategy, project=project)
        rollout = admin.deployments.update(name, model=f"models:/{name}/2", project=project)
    assert rollout.stable is not None
    assert rollout.candidate is not None
    stable, candidate = rollout.stable.revision, rollout.candidate.revision
    _send_traffic(live_platform, name, {stable, candidate})

    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Deployments"
    ).click()
    row = page.locator(f'tr[data-deployment="{name}"]')
    expect(row).to_have_attribute("data-status", "progressing")
    row.get_by_role("link", name=name).click()

    expect(page.locator('[data-target="candidate"]')).to_have_attribute("data-weight", "50")
    expect(page.locator("#chart-requests .uplot")).to_have_count(1)
    # Latency is drawn only from minutes with calls: the calls above reached the log.
    for revision in (stable, candidate):
        expect(page.locator(f"#chart-latency-{revision} .uplot")).to_have_count(
            1, timeout=LIVE_TIMEOUT_MS
        )
    expect(page.locator('#timeline tr[data-kind="created"]')).to_be_visible()

    page.get_by_role("button", name="Promote").click()

    live = page.locator("#deployment-live")
    expect(live).to_have_attribute("data-outcome", "promoted")
    expect(page.locator('#timeline tr[data-kind="promoted"]')).to_contain_text(candidate)
    expect(page.locator('[data-target="stable"]')).to_have_attribute("data-weight", "100")
    expect(page.locator('[data-target="candidate"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Promote")).to_have_count(0)

    page.goto(f"/projects/{project}/deployments")
    page.get_by_role("link", name="Served models").click()
    served = page.locator(f'tr[data-served="{name}"][data-version="{candidate}"]')
    expect(served).to_have_attribute("data-state", "serving")
