"""The model registry pages in a real browser against a real `mlplane up`.

The platform is shared by every browser test, so each test works in a project of its own.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

import mlplane
from tests.harness.platform import RunningPlatform

pytestmark = [pytest.mark.browser, pytest.mark.platform]


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.fixture
def admin_sdk(live_platform: RunningPlatform) -> mlplane.Client:
    return mlplane.Client(url=live_platform.url, token=live_platform.token)


@pytest.fixture
def registered(admin_sdk: mlplane.Client) -> str:
    """A project with model `fraud`: two versions from tracked runs, a pending approval."""
    project = f"registry-{uuid.uuid4().hex[:8]}"
    admin_sdk.projects.create(project)
    for accuracy in (0.81, 0.94):
        run = admin_sdk.runs.create(
            "training", project=project, name=f"acc-{accuracy}", create_experiment=True
        )
        admin_sdk.runs.log_metric(run.id, "accuracy", accuracy, project=project)
        admin_sdk.runs.log_inputs(
            run.id, [{"name": "transactions", "digest": "abc123"}], project=project
        )
        admin_sdk.runs.upload_bytes(run.id, "model/weights.bin", b"w", project=project)
        admin_sdk.models.register("fraud", f"runs:/{run.id}/model", project=project)
    admin_sdk.models.set_alias("fraud", "champion", 1, project=project)
    admin_sdk.models.protect_alias("production", project=project)
    admin_sdk.models.request_approval(
        "fraud", "production", 2, comment="better recall", project=project
    )
    return project


def test_browse_to_a_model_and_approve_the_promotion(
    page: Page, live_platform: RunningPlatform, registered: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{registered}")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Models"
    ).click()
    page.get_by_role("link", name="fraud").click()

    expect(page.get_by_role("heading", name="fraud", exact=True)).to_be_visible()
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    graph = page.get_by_role("img", name="Lineage graph")
    expect(graph.locator('[data-kind="dataset"]')).to_have_count(1)
    expect(graph.locator('[data-kind="run"]')).to_have_count(2)
    expect(graph.locator('[data-kind="version"]')).to_have_count(2)

    pending = page.locator("#approvals tbody tr")
    expect(pending).to_contain_text("better recall")
    pending.get_by_role("button", name="Approve").click()

    expect(page.locator("#approvals tbody tr")).to_contain_text("approved")
    expect(page.locator('#aliases tr[data-alias="production"]')).to_contain_text("version 2")
    expect(page.locator("#alias-history tbody tr").first).to_contain_text("approval")


def test_open_a_version_from_the_lineage_graph(
    page: Page, live_platform: RunningPlatform, registered: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{registered}/models/fraud")
    page.locator('#lineage [data-kind="version"][data-key="2"] a').click()

    expect(page.get_by_role("heading", name="fraud · version 2")).to_be_visible()
    expect(page.locator('#metrics tr[data-metric="accuracy"]')).to_contain_text("0.94")
    expect(page.locator('#files tr[data-file="weights.bin"]')).to_be_visible()
    expect(page.locator("#lineage")).to_contain_text("transactions")
