from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

import mlplane
from tests.data.conftest import customers


def _orders(amounts: list[float | None], statuses: list[str] | None = None) -> pa.Table:
    count = len(amounts)
    return pa.table(
        {
            "order_id": list(range(1, count + 1)),
            "amount": amounts,
            "status": statuses or ["paid"] * count,
            "placed_at": [datetime.now(UTC) - timedelta(hours=i) for i in range(count)],
        }
    )


def _check(client: mlplane.Client, project: str, check: dict[str, Any]) -> None:
    client.datasets.create_check("orders", check, project=project)


@pytest.fixture
def orders(client: mlplane.Client, project: str) -> str:
    client.datasets.create("orders", project=project)
    return "orders"


def test_failing_check_marks_version_failed_and_keeps_latest(
    client: mlplane.Client, project: str, orders: str
) -> None:
    client.datasets.push(_orders([5.0, 7.5]), orders, project=project)
    _check(client, project, {"name": "positive", "kind": "range", "column": "amount", "min": 0})

    bad = client.datasets.push(_orders([5.0, -2.0, -3.0]), orders, project=project)

    version = bad.version
    assert (version.number, version.status) == (2, "failed")
    [result] = version.validation
    assert (result.passed, result.failing_rows) == (False, 2)
    assert {row["amount"] for row in result.sample} == {-2.0, -3.0}
    assert client.datasets.get(orders, project=project).latest_version == 1
    assert client.datasets.get_version(orders, "latest", project=project).number == 1


def test_passing_checks_make_version_ready(
    client: mlplane.Client, project: str, orders: str
) -> None:
    for check in (
        {
            "name": "schema",
            "kind": "schema",
            "columns": {"order_id": "integer", "amount": "double"},
        },
        {"name": "no-null-amount", "kind": "not_null", "columns": ["amount"]},
        {"name": "positive", "kind": "range", "column": "amount", "min": 0, "max": 1000},
        {"name": "status", "kind": "allowed_values", "column": "status", "values": ["paid"]},
        {"name": "unique-id", "kind": "unique", "columns": ["order_id"]},
        {"name": "size", "kind": "row_count", "min": 1, "max": 10},
        {"name": "fresh", "kind": "freshness", "column": "placed_at", "max_age_seconds": 86400},
        {"name": "no-zero", "kind": "sql", "query": "SELECT * FROM data WHERE amount = 0"},
    ):
        _check(client, project, check)

    result = client.datasets.push(_orders([5.0, 7.5, 9.0]), orders, project=project)

    assert result.version.status == "ready"
    assert [r.passed for r in result.version.validation] == [True] * 8


@pytest.mark.parametrize(
    ("check", "failing_rows", "message"),
    [
        ({"kind": "not_null", "columns": ["amount"]}, 1, "have nulls"),
        ({"kind": "allowed_values", "column": "status", "values": ["paid"]}, 1, "not allowed"),
        ({"kind": "unique", "columns": ["status"]}, 2, "share"),
        ({"kind": "row_count", "max": 2}, 0, "more than the maximum 2"),
        ({"kind": "schema", "columns": {"amount": "string"}}, 0, "not string"),
        ({"kind": "schema", "columns": {"missing": "int64"}}, 0, "missing"),
        ({"kind": "sql", "query": "SELECT * FROM data WHERE status = 'void'"}, 1, "assertion"),
        ({"kind": "freshness", "column": "placed_at", "max_age_seconds": 60}, 0, "old"),
    ],
)
def test_breaking_check_reports_rows_and_reason(
    client: mlplane.Client,
    project: str,
    orders: str,
    check: dict[str, Any],
    failing_rows: int,
    message: str,
) -> None:
    _check(client, project, {"name": "rule", **check})
    table = _orders([1.0, None, 3.0], ["paid", "void", "paid"])
    if check["kind"] == "freshness":
        old = [datetime.now(UTC) - timedelta(days=2)] * 3
        table = table.set_column(3, "placed_at", pa.array(old))

    [result] = client.datasets.push(table, orders, project=project).version.validation

    assert not result.passed
    assert result.failing_rows == failing_rows
    assert message in result.message


def test_check_that_cannot_run_fails_with_reason(
    client: mlplane.Client, project: str, orders: str
) -> None:
    _check(client, project, {"name": "ghost", "kind": "not_null", "columns": ["nope"]})

    [result] = client.datasets.push(_orders([1.0]), orders, project=project).version.validation

    assert not result.passed
    assert "could not run" in result.message
    assert "nope" in result.message


def test_sql_check_cannot_read_files(client: mlplane.Client, project: str, orders: str) -> None:
    query = "SELECT * FROM read_csv('/etc/passwd')"
    _check(client, project, {"name": "sneaky", "kind": "sql", "query": query})

    [result] = client.datasets.push(_orders([1.0]), orders, project=project).version.validation

    assert not result.passed
    assert "outside its tables" in result.message


def test_sql_check_must_be_a_select(client: mlplane.Client, project: str, orders: str) -> None:
    query = "COPY (SELECT 1) TO '/tmp/out.csv'"
    _check(client, project, {"name": "writer", "kind": "sql", "query": query})

    [result] = client.datasets.push(_orders([1.0]), orders, project=project).version.validation

    assert not result.passed
    assert "only SELECT" in result.message


def test_range_check_compares_timestamps_with_iso_bounds(
    client: mlplane.Client, project: str, orders: str
) -> None:
    since = (datetime.now(UTC) - timedelta(minutes=90)).isoformat()
    _check(
        client, project, {"name": "recent", "kind": "range", "column": "placed_at", "min": since}
    )

    [result] = client.datasets.push(
        _orders([1.0, 2.0, 3.0]), orders, project=project
    ).version.validation

    assert result.failing_rows == 1


def test_check_crud(client: mlplane.Client, project: str, orders: str) -> None:
    _check(client, project, {"name": "positive", "kind": "range", "column": "amount", "min": 0})

    client.datasets.update_check(
        orders, {"name": "positive", "kind": "range", "column": "amount", "min": 1}, project=project
    )
    listed = client.datasets.list_checks(orders, project=project)
    client.datasets.delete_check(orders, "positive", project=project)

    assert [getattr(check, "min", None) for check in listed] == [1.0]
    assert client.datasets.list_checks(orders, project=project) == []


def test_create_check_with_unknown_kind_is_refused(
    client: mlplane.Client, project: str, orders: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.transport.json(
            "POST",
            f"/api/v1/projects/{project}/datasets/{orders}/checks",
            json={"name": "x", "kind": "vibes"},
        )

    assert caught.value.status == 422


def test_checks_need_a_table_dataset(client: mlplane.Client, project: str) -> None:
    client.datasets.create("images", project=project, kind="files")

    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.create_check(
            "images", {"name": "n", "kind": "row_count", "min": 1}, project=project
        )

    assert caught.value.status == 422


def test_evaluate_checks_tries_rules_without_changing_the_version(
    client: mlplane.Client, project: str
) -> None:
    client.datasets.push(customers(30), "customers", project=project)

    results = client.datasets.evaluate_checks(
        "customers",
        1,
        project=project,
        checks=[{"name": "adults", "kind": "range", "column": "age", "min": 30}],
    )

    assert results[0].failing_rows > 0
    assert client.datasets.get_version("customers", 1, project=project).validation == []


def test_failed_content_pushed_again_passes_once_check_is_fixed(
    client: mlplane.Client, project: str, orders: str
) -> None:
    _check(client, project, {"name": "positive", "kind": "range", "column": "amount", "min": 0})
    table = _orders([5.0, -2.0])
    first = client.datasets.push(table, orders, project=project)

    still_failing = client.datasets.push(table, orders, project=project)
    client.datasets.delete_check(orders, "positive", project=project)
    fixed = client.datasets.push(table, orders, project=project)

    assert (first.version.number, first.version.status) == (1, "failed")
    assert (still_failing.created, still_failing.version.number) == (False, 1)
    assert (fixed.created, fixed.version.number, fixed.version.status) == (True, 2, "ready")
    assert client.datasets.get(orders, project=project).latest_version == 2
