"""Running validation checks on a table attached to a sandbox as `data`.

Every row-level rule becomes a query for the rows that break it, so a result carries how
many rows failed and a sample of them. A check that cannot run (a missing column, a bad
query) fails with DuckDB's message rather than stopping the others.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa

from mlplane.core.errors import ProblemError
from mlplane.data.engine.results import json_records
from mlplane.data.engine.sandbox import Sandbox, check_statement, quote_identifier
from mlplane.data.schemas.checks import (
    AllowedValuesCheck,
    Check,
    CheckResult,
    FreshnessCheck,
    NotNullCheck,
    RangeCheck,
    RowCountCheck,
    SchemaCheck,
    SqlCheck,
    UniqueCheck,
)

SAMPLE_ROWS = 5
CHECK_TIMEOUT_SECONDS = 300.0

TYPE_FAMILIES: dict[str, Any] = {
    "integer": pa.types.is_integer,
    "float": pa.types.is_floating,
    "number": lambda kind: (
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    ),
    "string": lambda kind: pa.types.is_string(kind) or pa.types.is_large_string(kind),
    "boolean": pa.types.is_boolean,
    "timestamp": pa.types.is_timestamp,
    "date": pa.types.is_date,
}


def _count(sandbox: Sandbox, sql: str, parameters: list[Any] | None = None) -> int:
    table = sandbox.query(
        f"SELECT count(*) AS n FROM ({sql})",
        max_rows=1,
        timeout_seconds=CHECK_TIMEOUT_SECONDS,
        parameters=parameters,
        check=False,
    )
    return int(table.column(0)[0].as_py())


def _sample(
    sandbox: Sandbox, sql: str, parameters: list[Any] | None = None
) -> list[dict[str, Any]]:
    table = sandbox.query(
        f"SELECT * FROM ({sql}) LIMIT {SAMPLE_ROWS}",
        max_rows=SAMPLE_ROWS,
        timeout_seconds=CHECK_TIMEOUT_SECONDS,
        parameters=parameters,
        check=False,
    )
    return json_records(table)


def _failing_rows(
    sandbox: Sandbox, check: Check, sql: str, parameters: list[Any] | None, what: str
) -> CheckResult:
    failing = _count(sandbox, sql, parameters)
    sample = _sample(sandbox, sql, parameters) if failing else []
    message = f"{failing} rows {what}" if failing else ""
    return CheckResult(
        name=check.name,
        kind=check.kind,
        passed=failing == 0,
        failing_rows=failing,
        message=message,
        sample=sample,
    )


def _schema(check: SchemaCheck, schema: pa.Schema) -> CheckResult:
    problems = []
    for column, expected in check.columns.items():
        index = schema.get_field_index(column)
        if index < 0:
            problems.append(f"column {column!r} is missing")
            continue
        actual = schema.field(index).type
        family = TYPE_FAMILIES.get(expected.lower())
        matches = family(actual) if family is not None else str(actual) == expected
        if not matches:
            problems.append(f"column {column!r} is {actual}, not {expected}")
    if not check.allow_extra_columns:
        extra = [name for name in schema.names if name not in check.columns]
        if extra:
            problems.append(f"unexpected columns {extra}")
    return CheckResult(
        name=check.name,
        kind=check.kind,
        passed=not problems,
        failing_rows=0,
        message="; ".join(problems),
    )


def _row_count(sandbox: Sandbox, check: RowCountCheck) -> CheckResult:
    rows = _count(sandbox, "SELECT 1 FROM data")
    problems = []
    if check.min is not None and rows < check.min:
        problems.append(f"{rows} rows, fewer than the minimum {check.min}")
    if check.max is not None and rows > check.max:
        problems.append(f"{rows} rows, more than the maximum {check.max}")
    return CheckResult(
        name=check.name,
        kind=check.kind,
        passed=not problems,
        failing_rows=0,
        message="; ".join(problems),
    )


def _freshness(sandbox: Sandbox, check: FreshnessCheck) -> CheckResult:
    table = sandbox.query(
        f"SELECT max({quote_identifier(check.column)}) AS newest FROM data",
        max_rows=1,
        timeout_seconds=CHECK_TIMEOUT_SECONDS,
        check=False,
    )
    newest = table.column(0)[0].as_py()
    if isinstance(newest, date) and not isinstance(newest, datetime):
        newest = datetime(newest.year, newest.month, newest.day, tzinfo=UTC)
    if newest is None:
        message = f"column {check.column!r} has no values"
    elif not isinstance(newest, datetime):
        message = f"column {check.column!r} holds {type(newest).__name__}, not timestamps"
    else:
        moment = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
        age = datetime.now(UTC) - moment
        if age <= timedelta(seconds=check.max_age_seconds):
            return CheckResult(name=check.name, kind=check.kind, passed=True, failing_rows=0)
        message = (
            f"the newest {check.column!r} is {moment.isoformat()}, {age.total_seconds():.0f} s "
            f"old, older than {check.max_age_seconds:g} s"
        )
    return CheckResult(
        name=check.name, kind=check.kind, passed=False, failing_rows=0, message=message
    )


def _run_one(sandbox: Sandbox, check: Check, schema: pa.Schema) -> CheckResult:
    if isinstance(check, SchemaCheck):
        return _schema(check, schema)
    if isinstance(check, RowCountCheck):
        return _row_count(sandbox, check)
    if isinstance(check, FreshnessCheck):
        return _freshness(sandbox, check)
    if isinstance(check, NotNullCheck):
        condition = " OR ".join(f"{quote_identifier(c)} IS NULL" for c in check.columns)
        return _failing_rows(
            sandbox, check, f"SELECT * FROM data WHERE {condition}", None, "have nulls"
        )
    if isinstance(check, RangeCheck):
        column = quote_identifier(check.column)
        conditions, parameters = [], []
        if check.min is not None:
            parameters.append(check.min)
            conditions.append(f"{column} < ${len(parameters)}")
        if check.max is not None:
            parameters.append(check.max)
            conditions.append(f"{column} > ${len(parameters)}")
        if not conditions:
            return CheckResult(name=check.name, kind=check.kind, passed=True, failing_rows=0)
        sql = f"SELECT * FROM data WHERE {' OR '.join(conditions)}"
        return _failing_rows(sandbox, check, sql, parameters, "are out of range")
    if isinstance(check, AllowedValuesCheck):
        column = quote_identifier(check.column)
        sql = f"SELECT * FROM data WHERE {column} IS NOT NULL AND NOT list_contains($1, {column})"
        return _failing_rows(sandbox, check, sql, [check.values], "hold values not allowed")
    if isinstance(check, UniqueCheck):
        keys = ", ".join(quote_identifier(c) for c in check.columns)
        duplicates = f"SELECT {keys}, count(*) AS copies FROM data GROUP BY ALL HAVING count(*) > 1"
        failing = _count(sandbox, f"SELECT * FROM data SEMI JOIN ({duplicates}) USING ({keys})")
        sample = _sample(sandbox, duplicates) if failing else []
        return CheckResult(
            name=check.name,
            kind=check.kind,
            passed=failing == 0,
            failing_rows=failing,
            message=f"{failing} rows share their {keys}" if failing else "",
            sample=sample,
        )
    assert isinstance(check, SqlCheck)
    check_statement(sandbox.connection, check.query)
    return _failing_rows(sandbox, check, check.query, None, "are returned by the assertion")


def run_checks(sandbox: Sandbox, checks: list[Check], schema: pa.Schema) -> list[CheckResult]:
    results = []
    for check in checks:
        try:
            results.append(_run_one(sandbox, check, schema))
        except ProblemError as error:
            results.append(
                CheckResult(
                    name=check.name,
                    kind=check.kind,
                    passed=False,
                    failing_rows=0,
                    message=f"the check could not run: {error.detail}",
                )
            )
    return results
