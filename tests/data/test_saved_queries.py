from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

import mlplane


@pytest.fixture
def sales(client: mlplane.Client, project: str) -> str:
    client.datasets.push(
        pa.table({"region": ["north", "south", "north"], "amount": [10, 20, 30]}),
        "sales",
        project=project,
    )
    return "sales"


def test_saved_query_runs_and_keeps_its_chart(
    client: mlplane.Client, project: str, sales: str
) -> None:
    saved = client.sql.create_query(
        "by-region",
        "SELECT region, sum(amount) AS total FROM sales GROUP BY 1 ORDER BY 1",
        project=project,
        description="revenue per region",
        chart={"type": "bar", "x": "region", "y": ["total"]},
    )

    result = client.sql.run_query("by-region", project=project)

    assert saved.chart is not None
    assert (saved.chart.type, saved.chart.x, saved.chart.y) == ("bar", "region", ["total"])
    assert result.rows == [["north", 40], ["south", 20]]


def test_saved_query_crud(client: mlplane.Client, project: str) -> None:
    client.sql.create_query("one", "SELECT 1 AS x", project=project)
    client.sql.create_query("two", "SELECT 2 AS x", project=project)

    updated = client.sql.update_query("one", project=project, sql="SELECT 11 AS x")
    client.sql.delete_query("two", project=project)

    assert updated.sql == "SELECT 11 AS x"
    assert [q.name for q in client.sql.list_queries(project=project)] == ["one"]
    assert client.sql.run_query("one", project=project).rows == [[11]]
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.get_query("two", project=project)
    assert caught.value.status == 404


def test_saved_query_name_is_unique_per_project(client: mlplane.Client, project: str) -> None:
    client.sql.create_query("one", "SELECT 1", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.create_query("one", "SELECT 2", project=project)

    assert caught.value.status == 409


def test_saved_query_rejects_unknown_chart_type(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.create_query("one", "SELECT 1", project=project, chart={"type": "radar"})

    assert caught.value.status == 422
    assert "chart" in caught.value.detail


def test_viewer_runs_saved_queries_but_cannot_save(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    client.sql.create_query("one", "SELECT 1 AS x", project=project)
    viewer = user_client("vic", project, "viewer")

    assert viewer.sql.run_query("one", project=project).rows == [[1]]
    with pytest.raises(mlplane.ApiError) as caught:
        viewer.sql.create_query("two", "SELECT 2", project=project)
    assert caught.value.status == 403


def test_running_a_saved_query_over_limit_is_stopped(client: mlplane.Client, project: str) -> None:
    client.sql.create_query("big", "SELECT * FROM range(5000)", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run_query("big", project=project, max_rows=100)

    assert caught.value.code == "query_too_large"
