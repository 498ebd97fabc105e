from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mlplane


@pytest.fixture
def sales(client: mlplane.Client, project: str) -> str:
    client.datasets.push(
        pa.table({"region": ["north", "south", "north"], "amount": [10, 20, 30]}),
        "sales",
        project=project,
    )
    client.datasets.push(
        pa.table({"region": ["north", "south"], "amount": [1, 2]}), "sales", project=project
    )
    return "sales"


def _rows(client: mlplane.Client, project: str, sql: str) -> list[list[object]]:
    return client.sql.run(sql, project=project).rows


def test_query_addresses_versions_in_plain_sql(
    client: mlplane.Client, project: str, sales: str
) -> None:
    assert _rows(client, project, "SELECT sum(amount) FROM sales@1") == [[60]]
    assert _rows(client, project, 'SELECT sum(amount) FROM "sales@v1"') == [[60]]
    assert _rows(client, project, "SELECT sum(amount) FROM sales") == [[3]]
    assert _rows(client, project, "SELECT sum(amount) FROM sales@latest") == [[3]]


def test_query_joins_two_versions(client: mlplane.Client, project: str, sales: str) -> None:
    rows = _rows(
        client,
        project,
        "SELECT a.region, a.amount - b.amount AS delta FROM sales@1 a "
        "JOIN sales@2 b USING (region) WHERE a.amount = 10 ORDER BY 1",
    )

    assert rows == [["north", 9]]


def test_query_leaves_references_inside_strings_alone(
    client: mlplane.Client, project: str, sales: str
) -> None:
    rows = _rows(client, project, "SELECT 'sales@1' AS text -- sales@2 in a comment")

    assert rows == [["sales@1"]]


def test_query_result_names_columns_and_types(
    client: mlplane.Client, project: str, sales: str
) -> None:
    result = client.sql.run(
        "SELECT region, sum(amount) AS total FROM sales@1 GROUP BY 1 ORDER BY 1", project=project
    )

    assert [c.name for c in result.columns] == ["region", "total"]
    assert result.columns[0].type == "string"
    assert result.rows == [["north", 40], ["south", 20]]
    assert result.row_count == 2


def test_query_reads_platform_tables(client: mlplane.Client, project: str, sales: str) -> None:
    assert _rows(client, project, "SELECT name FROM projects") == [[project]]
    assert _rows(client, project, "SELECT name, latest_version FROM datasets") == [["sales", 2]]
    assert _rows(client, project, "SELECT count(*) FROM dataset_versions") == [[2]]
    assert _rows(client, project, "SELECT name FROM mlplane.projects") == [[project]]


def test_dataset_shadows_platform_table_of_same_name(client: mlplane.Client, project: str) -> None:
    client.datasets.push(pa.table({"mine": [1]}), "projects", project=project)

    assert _rows(client, project, "SELECT mine FROM projects") == [[1]]
    assert _rows(client, project, "SELECT name FROM mlplane.projects") == [[project]]


def test_files_dataset_reads_as_its_file_list(
    client: mlplane.Client, project: str, folder: Path
) -> None:
    client.datasets.push(folder, "images", project=project)

    rows = _rows(
        client, project, "SELECT count(*), sum(size) FROM images WHERE path LIKE 'class-0/%'"
    )

    assert rows == [[10, sum(len(f"pixels of image {i}\n") for i in range(0, 30, 3))]]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '/tmp/mlplane-leak.csv'",
        "ATTACH '/tmp/mlplane-other.db' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "CREATE TABLE t AS SELECT 1",
        "SELECT 1; SELECT 2",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
    ],
)
def test_query_that_writes_or_reaches_outside_is_refused(
    client: mlplane.Client, project: str, sales: str, sql: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run(sql, project=project)

    assert caught.value.status == 403
    assert caught.value.code == "query_refused"
    assert not Path("/tmp/mlplane-leak.csv").exists()


def test_query_cannot_read_another_datasets_files_by_path(
    client: mlplane.Client, project: str, sales: str, home: Path
) -> None:
    blob = next((home / "artifacts" / "datasets" / project / "sales" / "blobs").iterdir())

    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run(f"SELECT * FROM read_parquet('{blob}')", project=project)

    assert caught.value.status == 403


def test_query_over_row_limit_is_stopped(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run("SELECT * FROM range(100000)", project=project, max_rows=1000)

    assert caught.value.status == 422
    assert caught.value.code == "query_too_large"
    assert "more than 1000 rows" in caught.value.detail


def test_query_over_time_limit_is_stopped(client: mlplane.Client, project: str) -> None:
    slow = "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = -1"

    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run(slow, project=project, timeout_seconds=0.5)

    assert caught.value.status == 422
    assert caught.value.code == "query_timeout"
    assert "time limit of 0.5 s" in caught.value.detail


def test_query_with_syntax_error_names_the_problem(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run("SELEC 1", project=project)

    assert caught.value.status == 422
    assert "sql:" in caught.value.detail


def test_query_of_missing_version_is_not_found(
    client: mlplane.Client, project: str, sales: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run("SELECT * FROM sales@9", project=project)

    assert caught.value.status == 404
    assert "dataset 'sales' has no version 9" in caught.value.detail


def test_query_of_missing_dataset_version_is_not_found(
    client: mlplane.Client, project: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run("SELECT * FROM nowhere@1", project=project)

    assert caught.value.status == 404
    assert f"dataset 'nowhere' does not exist in project {project!r}" in caught.value.detail


def test_query_of_unknown_plain_name_is_left_to_duckdb(
    client: mlplane.Client, project: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.sql.run("SELECT * FROM nowhere", project=project)

    assert caught.value.status == 422
    assert "nowhere" in caught.value.detail


def test_query_result_downloads_as_csv_and_parquet(
    client: mlplane.Client, project: str, sales: str
) -> None:
    sql = "SELECT region, amount FROM sales@1 ORDER BY amount"

    text = client.sql.download(sql, project=project, format="csv").decode()
    table = pq.read_table(io.BytesIO(client.sql.download(sql, project=project, format="parquet")))

    assert text.splitlines()[0] == '"region","amount"'
    assert len(text.splitlines()) == 4
    assert table.column("amount").to_pylist() == [10, 20, 30]


def test_query_is_not_audited_but_refusal_is(
    client: mlplane.Client, project: str, sales: str
) -> None:
    client.sql.run("SELECT 1", project=project)
    with pytest.raises(mlplane.ApiError):
        client.sql.run("INSTALL httpfs", project=project)

    events = client.audit.list(action="run_sql_query")

    assert [event.outcome for event in events] == ["denied"]


def test_user_sees_only_rows_of_projects_they_can_view(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    client.projects.create("secret")
    client.datasets.create("hidden", project="secret")
    client.datasets.create("visible", project=project)
    user = user_client("uma", project, "viewer")

    projects = _rows(user, project, "SELECT name FROM projects")
    audit = _rows(user, project, "SELECT DISTINCT project FROM audit_events ORDER BY 1")
    datasets = _rows(user, project, "SELECT project, name FROM datasets")

    assert projects == [[project]]
    assert audit == [[project]]
    assert datasets == [[project, "visible"]]
    everything = _rows(client, project, "SELECT DISTINCT project FROM audit_events ORDER BY 1")
    assert ["secret"] in everything


def test_outsider_cannot_query_a_project(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    outsider = user_client("otto")

    with pytest.raises(mlplane.ApiError) as caught:
        outsider.sql.run("SELECT 1", project=project)

    assert caught.value.status == 404


def test_list_sql_tables_names_datasets_and_platform_tables(
    client: mlplane.Client, project: str, sales: str
) -> None:
    tables = {(t.name, t.kind) for t in client.sql.list_tables(project=project)}

    assert {("sales", "dataset"), ("projects", "platform"), ("audit_events", "platform")} <= tables


def test_queries_run_side_by_side_and_after_a_stopped_one(
    client: mlplane.Client, project: str, sales: str
) -> None:
    slow = "SELECT count(*) FROM sales@1, range(1000000) a, range(1000000) b"
    with pytest.raises(mlplane.ApiError):
        client.sql.run(slow, project=project, timeout_seconds=0.3)

    with ThreadPoolExecutor(max_workers=4) as pool:
        totals = list(
            pool.map(
                lambda version: _rows(client, project, f"SELECT sum(amount) FROM sales@{version}"),
                [1, 2, 1, 2],
            )
        )

    assert totals == [[[60]], [[3]], [[60]], [[3]]]
