"""The data pages over plain HTTP: datasets, one version, the SQL editor, saved-query reports."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pyarrow as pa
import pytest

import mlplane
from mlplane.data.schemas.sql import ChartSpec, ChartType
from mlplane.data.schemas.versions import Lineage
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_data, seed_tracking
from mlplane.ui.pages.data.results import result_chart

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


def _sign_in_as(app_http: httpx.Client, user: mlplane.Client) -> httpx.Client:
    token = user.transport.http.headers["Authorization"].removeprefix("Bearer ")
    assert app_http.post("/ui/login", data={"token": token}).status_code == 303
    return app_http


def _charts(page: str) -> list[dict[str, Any]]:
    return [
        json.loads(html.unescape(payload)) for payload in re.findall(r"data-chart='([^']*)'", page)
    ]


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section class="card" id="{section_id}">.*?</section>', page, re.S)
    assert match is not None, f"no section #{section_id}"
    return match.group(0)


def _row(page: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}".*?</tr>', page, re.S)
    assert match is not None, f"no row with {attribute}={value!r}"
    return match.group(0)


@pytest.fixture
def sales(client: mlplane.Client, project: str) -> str:
    client.datasets.create("sales", project=project, description="Sales per order")
    client.datasets.create_check(
        "sales",
        {"name": "amount-positive", "kind": "range", "column": "amount", "min": 0},
        project=project,
    )
    client.datasets.push(
        pa.table(
            {
                "id": [1, 2, 3],
                "region": ["north", "south", "north"],
                "amount": [10.0, 20.0, 30.0],
            }
        ),
        "sales",
        project=project,
        message="first extract",
        tags={"stage": "raw"},
    )
    client.datasets.push(
        pa.table(
            {
                "id": [1, 2, 4, 5],
                "region": ["north", "south", "east", "west"],
                "amount": [10.0, 25.0, 40.0, -5.0],
            }
        ),
        "sales",
        project=project,
        message="second extract",
    )
    return "sales"


# Datasets and versions


def test_project_page_links_to_datasets_and_sql(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.get(f"/projects/{project}")

    assert f'href="/projects/{project}/datasets"' in response.text
    assert f'href="/projects/{project}/sql"' in response.text


def test_list_datasets_shows_kind_versions_and_latest_ready(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(f"/projects/{project}/datasets")

    assert response.status_code == 200
    row = _row(response.text, "data-dataset", "sales")
    assert f'href="/projects/{project}/datasets/sales"' in row
    assert '<td class="num">2</td>' in row
    # Version 2 failed its check, so version 1 stays the latest ready one.
    assert f'href="/projects/{project}/datasets/sales/versions/1">v1</a>' in row


def test_list_datasets_without_any_says_how_to_push(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.get(f"/projects/{project}/datasets")

    assert response.status_code == 200
    assert "No datasets in this project yet" in response.text


def test_dataset_page_lists_versions_with_status_rows_size_and_tags(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(f"/projects/{project}/datasets/sales")

    assert response.status_code == 200
    first = _row(response.text, "data-version", "1")
    second = _row(response.text, "data-version", "2")
    assert ">ready</span>" in first
    assert ">latest</span>" in first
    assert '<span class="tag">stage=raw</span>' in first
    assert '<td class="num">3</td>' in first
    assert ">failed</span>" in second
    assert '<td class="num">4</td>' in second
    assert re.search(r'<td class="num nowrap">\d+(\.\d)? (B|KB)</td>', second)
    assert second.index("second extract") > 0
    # Newest first.
    assert response.text.index('data-version="2"') < response.text.index('data-version="1"')


def test_diff_between_two_versions_counts_rows_by_key(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(
        f"/projects/{project}/datasets/sales/diff",
        params={"from": "1", "to": "2", "keys": "id"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.startswith('<div id="diff-result"')
    counts = dict(
        re.findall(
            r'data-stat="([a-z-]+)"><span class="stat-label">[^<]+</span>'
            r'<span class="stat-value">([0-9,]+)</span>',
            response.text,
        )
    )
    assert (counts["rows-added"], counts["rows-removed"], counts["rows-changed"]) == ("2", "1", "1")
    assert counts["files-changed"] == "1"


def test_diff_with_unknown_version_shows_the_problem_in_place(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(
        f"/projects/{project}/datasets/sales/diff", params={"from": "1", "to": "9"}, headers=HTMX
    )

    assert response.status_code == 404
    assert 'id="diff-error"' in response.text
    assert "has no version 9" in response.text


def test_version_page_shows_schema_profile_charts_and_sample_rows(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(f"/projects/{project}/datasets/sales/versions/1")

    assert response.status_code == 200
    schema = _section(response.text, "schema")
    assert '<td class="mono">amount</td><td class="mono">double</td>' in schema
    profile = _section(response.text, "profile")
    assert 'data-column="region"' in profile
    assert 'data-column="amount"' in profile
    charts = _charts(profile)
    histogram = next(
        chart for chart in charts if chart["x"] == "number" and chart["style"] == "bar"
    )
    assert sum(point[1] for point in histogram["series"][0]["points"]) == 3
    top_values = next(chart for chart in charts if chart["x"] == "category")
    assert top_values["categories"][0] == "north"
    assert top_values["series"][0]["points"][0] == [0.0, 2.0]
    assert f"mlplane {mlplane.__version__}</footer>" in response.text
    sample = _section(response.text, "sample")
    assert sample.count("<tr>") == 4  # the header and three rows
    assert ">south</td>" in sample


def test_version_page_shows_failed_check_with_its_failing_rows(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(f"/projects/{project}/datasets/sales/versions/2")

    assert response.status_code == 200
    check = _row(response.text, "data-check", "amount-positive")
    assert ">failed</span>" in check
    assert '<td class="num">1</td>' in check
    failing = re.search(r'<details class="failing-rows".*?</details>', response.text, re.S)
    assert failing is not None
    assert "<td>-5</td>" in failing.group(0)
    assert "<td>west</td>" in failing.group(0)


def test_version_page_links_producer_and_consumer_runs(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    producer = client.runs.create("prep", project=project, name="prep", create_experiment=True)
    consumer = client.runs.create("train", project=project, name="train", create_experiment=True)
    client.datasets.push(
        pa.table({"x": [1, 2]}),
        "features",
        project=project,
        lineage=Lineage(run_id=producer.id, job="nightly-prep", sources=["sales@1"]),
    )
    client.datasets.create_consumer("features", 1, consumer.id, project=project)
    client.datasets.create_consumer("features", 1, "removed-run", project=project)

    response = signed_in.get(f"/projects/{project}/datasets/features/versions/latest")

    assert response.status_code == 200
    lineage = _section(response.text, "lineage")
    assert f'href="/projects/{project}/runs/{producer.id}">prep</a>' in lineage
    assert f'href="/projects/{project}/runs/{consumer.id}">train</a>' in lineage
    assert 'runs/removed-run" class="mono">removed-run</a>' in lineage
    assert "nightly-prep" in lineage
    assert "sales@1" in lineage


def test_folder_version_page_lists_its_files(
    signed_in: httpx.Client, client: mlplane.Client, project: str, tmp_path: Any
) -> None:
    folder = tmp_path / "images"
    (folder / "cats").mkdir(parents=True)
    (folder / "cats" / "one.txt").write_text("meow")
    (folder / "readme.md").write_text("# images\n")
    client.datasets.push(folder, "images", project=project)

    response = signed_in.get(f"/projects/{project}/datasets/images/versions/1")

    assert response.status_code == 200
    files = _section(response.text, "files")
    assert '<td class="mono">cats/one.txt</td>' in files
    assert '<td class="mono">readme.md</td>' in files
    assert 'id="sample"' not in response.text
    assert 'id="profile"' not in response.text


def test_viewer_sees_datasets_versions_and_reports_but_no_save_form(
    app_http: httpx.Client,
    client: mlplane.Client,
    user_client: Callable[..., mlplane.Client],
    project: str,
    sales: str,
) -> None:
    client.sql.create_query(
        "totals", "SELECT region, sum(amount) AS total FROM sales GROUP BY 1", project=project
    )
    viewer = _sign_in_as(app_http, user_client("vera", project, "viewer"))

    assert viewer.get(f"/projects/{project}/datasets").status_code == 200
    assert viewer.get(f"/projects/{project}/datasets/sales").status_code == 200
    assert viewer.get(f"/projects/{project}/datasets/sales/versions/2").status_code == 200
    assert viewer.get(f"/projects/{project}/queries/totals").status_code == 200
    ran = viewer.post(f"/ui/projects/{project}/sql", data={"sql": "SELECT 1 AS one"}, headers=HTMX)
    assert ran.status_code == 200
    assert 'id="result-grid"' in ran.text
    assert 'id="save-query"' not in ran.text
    refused = viewer.post(
        f"/ui/projects/{project}/queries",
        data={"name": "mine", "sql": "SELECT 1"},
        headers=HTMX,
    )
    assert refused.status_code == 403
    assert "this needs &#39;editor&#39;" in refused.text


@pytest.mark.parametrize(
    "path",
    [
        "/datasets",
        "/datasets/sales",
        "/datasets/sales/versions/1",
        "/datasets/sales/diff?from=1&to=2",
        "/sql",
        "/sql?sql=SELECT%201",
        "/queries/totals",
    ],
)
def test_non_member_gets_404_on_data_pages(
    app_http: httpx.Client,
    client: mlplane.Client,
    user_client: Callable[..., mlplane.Client],
    project: str,
    sales: str,
    path: str,
) -> None:
    client.sql.create_query("totals", "SELECT count(*) AS n FROM sales", project=project)
    stranger = _sign_in_as(app_http, user_client("mallory"))

    response = stranger.get(f"/projects/{project}{path}")

    assert response.status_code == 404
    assert "does not exist" in response.text
    assert "north" not in response.text


def test_non_member_cannot_run_sql_in_the_project(
    app_http: httpx.Client,
    user_client: Callable[..., mlplane.Client],
    project: str,
    sales: str,
) -> None:
    stranger = _sign_in_as(app_http, user_client("mallory"))

    response = stranger.post(
        f"/ui/projects/{project}/sql", data={"sql": "SELECT * FROM sales"}, headers=HTMX
    )

    assert response.status_code == 404
    assert "north" not in response.text


# SQL editor


def test_sql_page_offers_tables_and_an_example_query(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.get(f"/projects/{project}/sql")

    assert response.status_code == 200
    assert "SELECT name, kind, latest_version FROM datasets</textarea>" in response.text
    tables = _section(response.text, "sql-tables")
    assert f'href="/projects/{project}/datasets/sales"' in tables
    assert ">audit_events</td>" in tables
    assert 'id="sql-result"' in response.text
    assert 'id="result-grid"' not in response.text


def test_run_sql_returns_the_grid_and_a_bar_chart_of_the_result(
    signed_in: httpx.Client, project: str, sales: str
) -> None:
    response = signed_in.post(
        f"/ui/projects/{project}/sql",
        data={
            "sql": "SELECT region, sum(amount) AS total, count(*) AS orders "
            'FROM "sales@1" GROUP BY region ORDER BY region',
            "chart": "bar",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.startswith('<div id="sql-result"')
    assert '<th title="VARCHAR">region</th>' in response.text or ">region</th>" in response.text
    grid = re.search(r'<table class="table" id="result-grid">.*?</table>', response.text, re.S)
    assert grid is not None
    assert grid.group(0).count("<tr>") == 3
    assert '<td class="num">40</td>' in grid.group(0)
    [chart] = _charts(response.text)
    assert (chart["style"], chart["x"], chart["categories"]) == (
        "bar",
        "category",
        ["north", "south"],
    )
    assert [series["label"] for series in chart["series"]] == ["total", "orders"]
    assert chart["series"][0]["points"] == [[0.0, 40.0], [1.0, 20.0]]
    assert "2 rows" in response.text


def test_run_sql_shows_the_first_rows_of_a_long_result_and_charts_them_all(
    signed_in: httpx.Client, project: str
) -> None:
    response = signed_in.post(
        f"/ui/projects/{project}/sql",
        data={"sql": "SELECT range AS n, range * 2 AS twice FROM range(600)", "chart": "line"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "600 rows, first 500 shown" in response.text
    grid = re.search(r'<table class="table" id="result-grid">.*?</table>', response.text, re.S)
    assert grid is not None
    assert grid.group(0).count("<tr>") == 501
    [chart] = _charts(response.text)
    assert chart["x"] == "number"
    assert len(chart["series"][0]["points"]) == 600


def test_run_sql_as_a_line_over_time(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.post(
        f"/ui/projects/{project}/sql",
        data={
            "sql": "SELECT * FROM (VALUES (TIMESTAMP '2026-01-02', 5), "
            "(TIMESTAMP '2026-01-01', 3)) AS t(day, n)",
            "chart": "line",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    [chart] = _charts(response.text)
    assert (chart["style"], chart["x"]) == ("line", "time")
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert chart["series"][0]["points"] == [[start, 3.0], [start + 86400, 5.0]]


def test_run_sql_without_a_chart_shows_only_the_grid(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.post(
        f"/ui/projects/{project}/sql",
        data={"sql": "SELECT 'a' AS label, 1 AS n", "chart": "table"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert 'id="result-grid"' in response.text
    assert _charts(response.text) == []


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC 1", "syntax error"),
        ("SELECT * FROM nowhere", "nowhere"),
        ("DELETE FROM sales", ""),
    ],
)
def test_bad_sql_shows_the_problem_in_place_not_a_500(
    signed_in: httpx.Client, project: str, sales: str, sql: str, message: str
) -> None:
    response = signed_in.post(f"/ui/projects/{project}/sql", data={"sql": sql}, headers=HTMX)

    assert 400 <= response.status_code < 500
    assert response.text.startswith('<div id="sql-result"')
    assert 'id="query-error"' in response.text
    assert message.lower() in response.text.lower()
    assert 'id="result-grid"' not in response.text


def test_bad_sql_without_htmx_keeps_the_editor_and_the_text(
    signed_in: httpx.Client, project: str
) -> None:
    response = signed_in.post(f"/ui/projects/{project}/sql", data={"sql": "SELEC 1"})

    assert response.status_code == 422
    assert "SELEC 1</textarea>" in response.text
    assert 'id="query-error"' in response.text


def test_sql_in_the_address_runs_at_once(signed_in: httpx.Client, project: str, sales: str) -> None:
    response = signed_in.get(
        f"/projects/{project}/sql", params={"sql": "SELECT count(*) AS n FROM sales"}
    )

    assert response.status_code == 200
    assert 'id="result-grid"' in response.text
    assert '<td class="num">3</td>' in response.text


def test_save_query_then_its_report_shows_table_and_chart(
    signed_in: httpx.Client, client: mlplane.Client, project: str, sales: str
) -> None:
    sql = "SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region"

    saved = signed_in.post(
        f"/ui/projects/{project}/queries",
        data={
            "name": "totals",
            "description": "Totals per region",
            "sql": sql,
            "chart": "line",
            "x": "region",
            "y": ["total"],
        },
        headers=HTMX,
    )

    assert saved.status_code == 201
    assert f'href="/projects/{project}/queries/totals"' in saved.text
    stored = client.sql.get_query("totals", project=project)
    assert stored.sql == sql
    assert stored.chart == ChartSpec(type=ChartType.LINE, x="region", y=["total"])
    editor = signed_in.get(f"/projects/{project}/sql")
    assert f'href="/projects/{project}/queries/totals"' in _section(editor.text, "saved-queries")

    report = signed_in.get(f"/projects/{project}/queries/totals")

    assert report.status_code == 200
    assert "Totals per region" in report.text
    [chart] = _charts(report.text)
    assert (chart["style"], chart["categories"]) == ("line", ["north", "south"])
    table = _section(report.text, "report-table")
    assert "<td>north</td>" in table
    assert '<td class="num">40</td>' in table


def test_save_query_without_htmx_goes_to_its_report(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.post(
        f"/ui/projects/{project}/queries", data={"name": "one", "sql": "SELECT 1 AS n"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/projects/{project}/queries/one"


def test_save_query_with_a_taken_or_bad_name_says_so(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    client.sql.create_query("one", "SELECT 1", project=project)

    taken = signed_in.post(
        f"/ui/projects/{project}/queries", data={"name": "one", "sql": "SELECT 2"}, headers=HTMX
    )
    bad = signed_in.post(
        f"/ui/projects/{project}/queries",
        data={"name": "Bad Name", "sql": "SELECT 2"},
        headers=HTMX,
    )

    assert taken.status_code == 409
    assert "already has a saved query named" in taken.text
    assert bad.status_code == 422
    assert 'id="name-error"' in bad.text
    assert client.sql.get_query("one", project=project).sql == "SELECT 1"


def test_report_of_a_query_that_no_longer_runs_shows_the_problem(
    signed_in: httpx.Client, client: mlplane.Client, project: str, sales: str
) -> None:
    client.sql.create_query("gone", "SELECT * FROM sales", project=project)
    client.datasets.delete("sales", project=project)

    response = signed_in.get(f"/projects/{project}/queries/gone")

    assert 400 <= response.status_code < 500
    assert 'id="query-error"' in response.text
    assert "SELECT * FROM sales</pre>" in response.text


# Charts of results


def test_result_chart_prefers_the_saved_axes_and_falls_back_to_defaults() -> None:
    table = pa.table({"n": [1, 2], "day": ["mon", "tue"], "sales": [3.5, 4.0]})

    default = result_chart(table, None)
    chosen = result_chart(table, ChartSpec(type=ChartType.LINE, x="n", y=["sales"]))
    stale = result_chart(table, ChartSpec(type=ChartType.BAR, x="gone", y=["gone"]))

    assert default is not None
    assert (default.x, default.y) == ("day", ["n", "sales"])
    assert chosen is not None
    assert (chosen.x, chosen.y, chosen.payload["x"]) == (
        "n",
        ["sales"],
        "number",
    )
    assert stale is not None
    assert (stale.x, stale.y) == ("day", ["n", "sales"])
    assert result_chart(pa.table({"label": ["a"]}), None) is None


# The demo


def test_demo_data_fills_the_version_page_and_both_reports(
    signed_in: httpx.Client, client: mlplane.Client
) -> None:
    seed_catalog(client)
    seed_tracking(client)
    seed_data(client)
    seed_data(client)
    base = f"/projects/{DEMO_PROJECT}"

    version = signed_in.get(f"{base}/datasets/transactions/versions/2")
    country = signed_in.get(f"{base}/queries/revenue-by-country")
    daily = signed_in.get(f"{base}/queries/daily-revenue")

    assert version.status_code == 200
    lineage = _section(version.text, "lineage")
    extract = client.runs.search(
        project=DEMO_PROJECT, filter="attributes.run_name = 'extract-january'"
    )
    assert f'href="{base}/runs/{extract[0].id}"' in lineage
    trained = client.runs.search(project=DEMO_PROJECT, filter="attributes.run_name = 'gbm-1'")
    assert f'href="{base}/runs/{trained[0].id}"' in lineage
    assert version.text.count(">passed</span>") == 3
    assert len(_charts(_section(version.text, "profile"))) == 6  # no histogram of times
    assert country.status_code == 200
    [bars] = _charts(country.text)
    assert (bars["style"], bars["categories"][0]) == ("bar", "FR")
    assert daily.status_code == 200
    [lines] = _charts(daily.text)
    assert (lines["style"], lines["x"]) == ("line", "time")
    assert [series["label"] for series in lines["series"]] == ["revenue", "fraud"]
    assert len(lines["series"][0]["points"]) >= 28
