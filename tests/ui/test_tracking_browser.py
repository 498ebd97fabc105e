"""The experiment-tracking pages in a real browser against a real `mlplane up`.

The platform is shared by every browser test, so each test logs to a project of its own.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

import mlplane
from mlplane.tracking.schemas import Run
from tests.harness.platform import RunningPlatform

pytestmark = [pytest.mark.browser, pytest.mark.platform]

PNG = bytes.fromhex(  # one transparent pixel
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082"
)
# Polling refreshes a running run every 3 s: leave room for a few rounds on a busy machine.
LIVE_TIMEOUT_MS = 20_000


@dataclass
class Logged:
    project: str
    experiment_id: str
    runs: dict[str, Run]


def _sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _log_run(sdk: mlplane.Client, project: str, name: str, lr: str, accuracy: list[float]) -> Run:
    run = sdk.runs.create("sweep", project=project, name=name, create_experiment=True)
    sdk.runs.log_batch(
        run.id,
        project=project,
        params={"lr": lr, "depth": "3"},
        metrics=[
            {"key": "accuracy", "value": value, "step": step} for step, value in enumerate(accuracy)
        ],
    )
    return run


@pytest.fixture
def admin_sdk(live_platform: RunningPlatform) -> mlplane.Client:
    return mlplane.Client(url=live_platform.url, token=live_platform.token)


@pytest.fixture
def logged(admin_sdk: mlplane.Client) -> Logged:
    project = f"tracking-{uuid.uuid4().hex[:8]}"
    admin_sdk.projects.create(project)
    runs = {
        "slow": _log_run(admin_sdk, project, "slow", "0.01", [0.5, 0.6, 0.7, 0.75]),
        "fast": _log_run(admin_sdk, project, "fast", "0.1", [0.6, 0.85, 0.9, 0.93]),
        "wild": _log_run(admin_sdk, project, "wild", "0.9", [0.4, 0.2, 0.3, 0.1]),
    }
    for run in runs.values():
        admin_sdk.runs.end(run.id, project=project)
    experiment = admin_sdk.experiments.get("sweep", project=project)
    return Logged(project, experiment.id, runs)


def test_filter_runs_select_two_and_compare(
    page: Page, live_platform: RunningPlatform, logged: Logged
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{logged.project}")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Experiments"
    ).click()
    page.get_by_role("link", name="sweep").click()
    rows = page.locator("#runs-table tbody tr")
    expect(rows).to_have_count(3)

    page.get_by_label("Filter").fill("metrics.accuracy > 0.5 and params.lr != '0.9'")
    page.get_by_label("Filter").press("Enter")

    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"filter=metrics\.accuracy"))
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()
    page.get_by_label("Select slow").check()
    expect(compare).to_be_disabled()
    page.get_by_label("Select fast").check()
    expect(page.locator("[data-selection-count]")).to_have_text("2 runs selected")
    compare.click()

    slow, fast = logged.runs["slow"].id, logged.runs["fast"].id
    expect(page).to_have_url(re.compile(rf"/compare\?runs=({slow},{fast}|{fast},{slow})$"))
    expect(page.get_by_role("heading", name="Comparing 2 runs")).to_be_visible()
    differing = page.locator("#compare-params-table tr.differs")
    expect(differing).to_have_count(1)
    expect(differing).to_contain_text("lr")
    depth = page.locator('#compare-params-table tr[data-key="depth"]')
    expect(depth).to_be_visible()
    page.locator("#compare-params").get_by_label("Only differences").check()
    expect(depth).to_be_hidden()
    # One chart per metric, one line per run: a canvas, and a legend entry for each run.
    chart = page.locator('#compare-charts figure[data-metric="accuracy"]')
    expect(chart.locator(".uplot canvas")).to_have_count(1)
    legend = chart.locator(".u-legend .u-series")
    expect(legend).to_have_count(2)
    assert sorted(legend.all_inner_texts()) == ["fast", "slow"]


def test_bad_filter_shows_the_parser_message_in_place(
    page: Page, live_platform: RunningPlatform, logged: Logged
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{logged.project}/experiments/{logged.experiment_id}")

    page.get_by_label("Filter").fill("metrics.accuracy >> 0.5")
    page.get_by_label("Filter").press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("metrics.accuracy compares with a number")
    expect(page.get_by_label("Filter")).to_have_value("metrics.accuracy >> 0.5")
    expect(page.get_by_role("heading", name="sweep")).to_be_visible()

    page.get_by_label("Filter").fill("params.lr = '0.9'")
    page.get_by_label("Filter").press("Enter")

    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#runs-table tbody tr")).to_have_count(1)


def test_order_by_metric_and_choose_columns(
    page: Page, live_platform: RunningPlatform, logged: Logged
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{logged.project}/experiments/{logged.experiment_id}")
    names = page.locator("#runs-table tbody tr td:nth-child(2) a")

    page.get_by_label("Order by").select_option(label="accuracy")
    page.get_by_label("Direction").select_option("DESC")

    expect(names).to_have_text(["fast", "slow", "wild"])
    page.locator("summary", has_text="Columns").click()
    page.get_by_role("checkbox", name="depth").uncheck()
    expect(page.locator("#runs-table thead")).not_to_contain_text("depth")
    expect(page.locator("#runs-table thead")).to_contain_text("lr")


def test_show_more_runs_keeps_the_selection(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client
) -> None:
    project = f"many-{uuid.uuid4().hex[:8]}"
    admin_sdk.projects.create(project)
    for index in range(52):
        run = admin_sdk.runs.create(
            "many", project=project, name=f"run-{index:02d}", create_experiment=True
        )
        admin_sdk.runs.end(run.id, project=project)
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}/experiments/many")
    rows = page.locator("#runs-table tbody tr[data-run]")
    expect(rows).to_have_count(50)
    page.get_by_label("Select run-51").check()

    page.get_by_role("link", name="Show more runs").click()

    expect(rows).to_have_count(52)
    expect(page.get_by_role("link", name="Show more runs")).to_have_count(0)
    page.get_by_label("Select run-00").check()
    expect(page.get_by_label("Select run-51")).to_be_checked()
    expect(page.get_by_role("button", name="Compare")).to_be_enabled()


def test_run_page_draws_charts_and_browses_artifacts(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client, logged: Logged
) -> None:
    run = logged.runs["fast"]
    project = logged.project
    files = {
        "config.json": json.dumps({"model": "gbm", "lr": 0.1}).encode(),
        "plots/accuracy.png": PNG,
    }
    for path, data in files.items():
        admin_sdk.runs.upload_bytes(run.id, path, data, project=project)
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}/experiments/{logged.experiment_id}")
    page.get_by_role("link", name="fast", exact=True).click()

    expect(page.get_by_role("heading", name="fast")).to_be_visible()
    expect(page.locator('#run-charts figure[data-metric="accuracy"] .uplot canvas')).to_have_count(
        1
    )
    expect(page.locator("#run-params")).to_contain_text("0.1")
    artifacts = page.locator("#run-artifacts")
    artifacts.get_by_role("link", name="plots/", exact=True).click()

    expect(page).to_have_url(re.compile(r"/artifacts\?path=plots$"))
    expect(artifacts.get_by_label("Artifact folder")).to_contain_text("root / plots")
    artifacts.get_by_role("link", name="accuracy.png", exact=True).click()
    image = page.locator("#artifact-preview img")
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('#artifact-preview img').complete")
    assert image.evaluate("img => img.naturalWidth") == 1
    artifacts.get_by_role("link", name="root", exact=True).click()
    artifacts.get_by_role("link", name="config.json", exact=True).click()
    expect(page.locator("#artifact-preview pre")).to_contain_text('"model": "gbm"')

    with page.expect_download() as download_info:
        page.locator("#artifact-preview").get_by_role("link", name="Download").click()

    download = download_info.value
    assert download.suggested_filename == "config.json"
    with open(download.path(), "rb") as saved:
        assert json.loads(saved.read()) == {"model": "gbm", "lr": 0.1}
    # The charts above survived the artifact browsing, which swaps only its own card.
    expect(page.locator("#run-charts .uplot canvas")).to_have_count(1)


def test_running_run_refreshes_until_it_ends(
    page: Page, live_platform: RunningPlatform, admin_sdk: mlplane.Client, logged: Logged
) -> None:
    project = logged.project
    run = _log_run(admin_sdk, project, "ongoing", "0.5", [0.1])
    _sign_in(page, live_platform.token)
    polls: list[str] = []
    page.on(
        "request", lambda request: polls.append(request.url) if "/live" in request.url else None
    )
    page.goto(f"/projects/{project}/runs/{run.id}")
    overview = page.locator("#run-overview")
    expect(overview.locator(".badge")).to_have_text("running")
    expect(overview.get_by_text("Live")).to_be_visible()

    admin_sdk.runs.log_metric(run.id, "accuracy", 0.625, step=1, project=project)
    admin_sdk.runs.log_metric(run.id, "loss", 0.375, step=1, project=project)

    latest = page.locator('#run-metrics tr[data-metric="loss"]')
    expect(latest).to_contain_text("0.375", timeout=LIVE_TIMEOUT_MS)
    expect(page.locator('#run-charts figure[data-metric="loss"] .uplot canvas')).to_have_count(1)

    admin_sdk.runs.end(run.id, project=project)

    expect(overview.locator(".badge")).to_have_text("finished", timeout=LIVE_TIMEOUT_MS)
    expect(overview.get_by_text("Live")).to_have_count(0)
    expect(page.locator("#run-live")).not_to_have_attribute("hx-trigger", re.compile("every"))
    polled = len(polls)
    page.wait_for_timeout(7_000)  # more than two polling intervals
    assert polled > 0
    assert len(polls) == polled
