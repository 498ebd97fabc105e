"""Per-column statistics and histograms of a table, computed by DuckDB in a few scans."""

from __future__ import annotations

from typing import Any

from mlplane.data.engine.results import json_value
from mlplane.data.engine.sandbox import Sandbox, quote_identifier
from mlplane.data.schemas.profiles import ColumnProfile, Histogram, Profile, ValueCount

HISTOGRAM_BINS = 20
TOP_VALUES = 10
QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
PROFILE_TIMEOUT_SECONDS = 600.0

_NUMERIC_PREFIXES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "REAL",
)
_ORDERED_PREFIXES = ("DATE", "TIME", "TIMESTAMP")
_CATEGORICAL_PREFIXES = ("VARCHAR", "BOOLEAN", "ENUM")


def _is(kind: str, prefixes: tuple[str, ...]) -> bool:
    return kind.upper().startswith(prefixes)


def _one_row(sandbox: Sandbox, sql: str, parameters: list[Any] | None = None) -> dict[str, Any]:
    table = sandbox.query(
        sql, max_rows=1, timeout_seconds=PROFILE_TIMEOUT_SECONDS, parameters=parameters
    )
    rows = table.to_pylist()
    return rows[0] if rows else {}


def _rows(sandbox: Sandbox, sql: str, parameters: list[Any] | None = None) -> list[dict[str, Any]]:
    table = sandbox.query(
        sql, max_rows=10_000, timeout_seconds=PROFILE_TIMEOUT_SECONDS, parameters=parameters
    )
    return list(table.to_pylist())


def _aggregates(index: int, column: str, kind: str) -> list[str]:
    quoted = quote_identifier(column)
    parts = [
        f"count({quoted}) AS c{index}_count",
        f"approx_count_distinct({quoted}) AS c{index}_distinct",
    ]
    if _is(kind, _NUMERIC_PREFIXES):
        value = f"{quoted}::DOUBLE"
        finite = f"FILTER (WHERE isfinite({value}))"
        quantiles = ", ".join(str(q) for q in QUANTILES.values())
        parts += [
            f"min({quoted}) {finite} AS c{index}_min",
            f"max({quoted}) {finite} AS c{index}_max",
            f"avg({value}) {finite} AS c{index}_mean",
            f"stddev_samp({value}) {finite} AS c{index}_std",
            f"quantile_cont({value}, [{quantiles}]) {finite} AS c{index}_quantiles",
        ]
    elif _is(kind, _ORDERED_PREFIXES):
        parts += [f"min({quoted}) AS c{index}_min", f"max({quoted}) AS c{index}_max"]
    return parts


def _histogram(sandbox: Sandbox, column: str, low: float, high: float) -> Histogram:
    width = (high - low) / HISTOGRAM_BINS if high > low else 1.0
    value = f"{quote_identifier(column)}::DOUBLE"
    rows = _rows(
        sandbox,
        f"SELECT least(floor(({value} - $1) / $2)::BIGINT, {HISTOGRAM_BINS - 1}) AS bin, "
        f"count(*) AS n FROM data WHERE isfinite({value}) GROUP BY bin",
        [low, width],
    )
    counts = [0] * HISTOGRAM_BINS
    for row in rows:
        counts[int(row["bin"])] += int(row["n"])
    edges = [low + width * step for step in range(HISTOGRAM_BINS + 1)]
    return Histogram(edges=edges, counts=counts)


def _top_values(sandbox: Sandbox, column: str) -> list[ValueCount]:
    quoted = quote_identifier(column)
    rows = _rows(
        sandbox,
        f"SELECT {quoted} AS value, count(*) AS n FROM data WHERE {quoted} IS NOT NULL "
        f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT {TOP_VALUES}",
    )
    return [ValueCount(value=json_value(row["value"]), count=int(row["n"])) for row in rows]


def compute_profile(sandbox: Sandbox) -> Profile:
    """Profile the table attached to the sandbox as `data`."""
    described = _rows(sandbox, "SELECT column_name, column_type FROM (DESCRIBE data)")
    columns = [(row["column_name"], row["column_type"]) for row in described]
    selects = ["count(*) AS row_count"]
    for index, (name, kind) in enumerate(columns):
        selects += _aggregates(index, name, kind)
    totals = _one_row(sandbox, f"SELECT {', '.join(selects)} FROM data")
    row_count = int(totals.get("row_count") or 0)
    profiles = []
    for index, (name, kind) in enumerate(columns):
        count = int(totals[f"c{index}_count"])
        profile = ColumnProfile(
            name=name,
            type=kind,
            count=count,
            nulls=row_count - count,
            distinct_approx=min(int(totals[f"c{index}_distinct"]), count),
            min=json_value(totals.get(f"c{index}_min")),
            max=json_value(totals.get(f"c{index}_max")),
        )
        if _is(kind, _NUMERIC_PREFIXES):
            profile.mean = json_value(totals[f"c{index}_mean"])
            profile.std = json_value(totals[f"c{index}_std"])
            found = totals[f"c{index}_quantiles"]
            if found is not None:
                profile.quantiles = dict(zip(QUANTILES, (float(q) for q in found), strict=True))
            if profile.min is not None and profile.max is not None:
                profile.histogram = _histogram(
                    sandbox, name, float(profile.min), float(profile.max)
                )
        elif _is(kind, _CATEGORICAL_PREFIXES) and profile.distinct_approx < 0.9 * count:
            # A column whose every value differs (an id) has no top values worth a scan.
            profile.top_values = _top_values(sandbox, name)
        profiles.append(profile)
    return Profile(row_count=row_count, columns=profiles)
