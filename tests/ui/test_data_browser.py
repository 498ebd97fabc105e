"""The data pages in a real browser against a real `mlplane up`.

The platform is shared by every browser test, so each test works in a project of its own.
"""

from __future__ import annotations

import re
import uuid

import pyarrow as pa
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
def project(admin_sdk: mlplane.Client) -> str:
    name = f"data-{uuid.uuid4().hex[:8]}"
    admin_sdk.projects.create(name)
    admin_sdk.datasets.create("orders", project=name, description="Orders per region")
    admin_sdk.datasets.create_check(
        "orders",
        {"name": "amount-positive", "kind": "range", "column": "amount", "min": 0},
        project=name,
    )
    admin_sdk.datasets.push(
        pa.table(
            {
                "id": list(range(1, 9)),
                "region": ["north", "south", "north", "east", "north", "south", "west", "east"],
                "amount": [12.5, 20.0, 7.25, 40.0, 3.0, 18.0, 9.5, 22.0],
            }
        ),
        "orders",
        project=name,
        message="first extract",
    )
    admin_sdk.datasets.push(
        pa.table(
            {"id": [1, 2, 9], "region": ["north", "south", "west"], "amount": [1.0, 2.0, -3.0]}
        ),
        "orders",
        project=name,
        message="a bad extract",
    )
    return name


def test_open_a_dataset_and_its_version_with_charts_checks_and_rows(
    page: Page, live_platform: RunningPlatform, project: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Datasets"
    ).click()
    page.get_by_role("link", name="orders").click()

    versions = page.locator("#versions-table tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("failed")
    page.locator("#diff-form").get_by_label("From").select_option("1")
    page.locator("#diff-form").get_by_label("To").select_option("2")
    page.get_by_label("Key columns").fill("id")
    page.get_by_role("button", name="Compare").click()
    added = page.locator('#diff-rows [data-stat="rows-added"] .stat-value')
    expect(added).to_have_text("1")
    expect(page.locator('#diff-rows [data-stat="rows-changed"] .stat-value')).to_have_text("2")

    page.get_by_role("link", name="v1", exact=True).first.click()
    expect(page.get_by_role("heading", name="orders v1")).to_be_visible()
    # A histogram for each number column, the most frequent values of the text column.
    for column in ("id", "region", "amount"):
        figure = page.locator(f'#profile figure[data-column="{column}"]')
        expect(figure.locator(".uplot canvas")).to_have_count(1)
    expect(page.locator('#checks-table tr[data-check="amount-positive"]')).to_contain_text("passed")
    expect(page.locator("#sample-table tbody tr")).to_have_count(8)
    expect(page.locator("#schema-table tbody tr")).to_have_count(3)


def test_failed_version_shows_the_failing_rows(
    page: Page, live_platform: RunningPlatform, project: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}/datasets/orders/versions/2")

    expect(page.locator('#checks-table tr[data-check="amount-positive"]')).to_contain_text("failed")
    failing = page.locator('details.failing-rows[data-check="amount-positive"]')
    expect(failing).to_contain_text("-3")
    expect(failing).to_contain_text("west")


def test_run_sql_see_grid_and_chart_save_it_and_open_its_report(
    page: Page, live_platform: RunningPlatform, project: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}")
    page.get_by_role("navigation", name="Project sections").get_by_role("link", name="SQL").click()
    expect(page.get_by_role("heading", name="SQL", exact=True)).to_be_visible()

    page.locator("#sql-text").fill(
        'SELECT region, sum(amount) AS total, count(*) AS orders\nFROM "orders@1"\n'
        "GROUP BY region ORDER BY region"
    )
    page.get_by_role("button", name="Run").click()

    grid = page.locator("#result-grid tbody tr")
    expect(grid).to_have_count(4)
    expect(grid.first).to_contain_text("east")
    chart = page.locator("#result-chart")
    expect(chart).to_have_attribute("data-chart-type", "bar")
    expect(chart.locator(".uplot canvas")).to_have_count(1)
    expect(chart.locator(".u-legend .u-series")).to_have_count(2)

    page.get_by_label("Chart type").select_option("line")
    expect(page.locator("#result-chart")).to_have_attribute("data-chart-type", "line")
    expect(page.locator("#result-chart .uplot canvas")).to_have_count(1)

    save = page.locator("#save-query")
    save.get_by_label("Name").fill("totals-by-region")
    save.get_by_label("Description").fill("Order totals per region")
    save.get_by_role("button", name="Save query").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as totals-by-region")

    page.get_by_role("status").get_by_role("link", name="totals-by-region").click()
    expect(page).to_have_url(re.compile(rf"/projects/{project}/queries/totals-by-region$"))
    expect(page.get_by_role("heading", name="totals-by-region")).to_be_visible()
    expect(page.locator("#result-chart")).to_have_attribute("data-chart-type", "line")
    expect(page.locator("#result-chart .uplot canvas")).to_have_count(1)
    expect(page.locator("#result-grid tbody tr")).to_have_count(4)

    page.get_by_role("link", name="Open in the editor").click()
    expect(page.locator("#result-grid tbody tr")).to_have_count(4)
    expect(page.locator("#saved-queries")).to_contain_text("totals-by-region")


def test_bad_sql_shows_the_problem_and_keeps_the_text(
    page: Page, live_platform: RunningPlatform, project: str
) -> None:
    _sign_in(page, live_platform.token)
    page.goto(f"/projects/{project}/sql")

    page.locator("#sql-text").fill("SELECT nope FROM orders")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("alert")).to_contain_text("nope")
    expect(page.locator("#sql-text")).to_have_value("SELECT nope FROM orders")
    expect(page.locator("#result-grid")).to_have_count(0)

    page.locator("#sql-text").fill("SELECT count(*) AS n FROM orders")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#result-grid tbody tr")).to_have_count(1)
