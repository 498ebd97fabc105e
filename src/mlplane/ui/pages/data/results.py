"""A query's result as the panel shows it: a grid of its first rows and a chart of it all.

The chart plots one column along x (by default the first text, date or time column) and
the numeric columns as series, as lines or bars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa

from mlplane.data.engine.results import json_rows, json_value
from mlplane.data.schemas.sql import ChartSpec, ChartType
from mlplane.ui.charts import Series, xy_chart

GRID_ROWS = 500
MAX_SERIES = 8
CHART_HEIGHT = 280
ChartStyle = Literal["line", "bar"]
XAxis = Literal["time", "number", "category"]
CHART_STYLES: dict[ChartType, ChartStyle] = {
    ChartType.LINE: "line",
    ChartType.AREA: "line",
    ChartType.SCATTER: "line",
    ChartType.BAR: "bar",
    ChartType.PIE: "bar",
}


def is_numeric(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    )


def is_temporal(kind: pa.DataType) -> bool:
    return bool(pa.types.is_timestamp(kind) or pa.types.is_date(kind))


def is_label(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind)
    )


@dataclass(frozen=True)
class ResultColumn:
    name: str
    type: str
    numeric: bool


@dataclass(frozen=True)
class ResultChart:
    type: ChartType
    x: str
    y: list[str]
    payload: dict[str, Any]

    @property
    def spec(self) -> ChartSpec:
        return ChartSpec(type=self.type, x=self.x, y=self.y)


@dataclass(frozen=True)
class ResultView:
    columns: list[ResultColumn]
    rows: list[list[Any]]
    """The first `GRID_ROWS` rows, JSON-safe."""
    row_count: int
    elapsed_ms: float
    chart: ResultChart | None

    @property
    def clipped(self) -> bool:
        return self.row_count > len(self.rows)


def default_axes(table: pa.Table) -> tuple[str, list[str]] | None:
    """x: the first text, date or time column, else the first column; y: the other numeric
    columns. None when nothing numeric is left to plot."""
    fields = list(table.schema)
    if not fields:
        return None
    x = next((f.name for f in fields if is_temporal(f.type) or is_label(f.type)), fields[0].name)
    y = [f.name for f in fields if f.name != x and is_numeric(f.type)][:MAX_SERIES]
    return (x, y) if y else None


def _x_value(value: Any) -> float | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    return _y_value(value)


def _y_value(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _axis(kind: pa.DataType) -> XAxis:
    if is_temporal(kind):
        return "time"
    return "number" if is_numeric(kind) else "category"


def chart_payload(table: pa.Table, style: ChartStyle, x: str, y: list[str]) -> dict[str, Any]:
    axis = _axis(table.schema.field(x).type)
    raw = table.column(x).to_pylist()
    categories: list[str] = []
    if axis == "category":
        categories = ["null" if value is None else str(json_value(value)) for value in raw]
        xs: list[float | None] = [float(index) for index in range(len(raw))]
    else:
        xs = [_x_value(value) for value in raw]
    series = []
    for name in y:
        ys = [_y_value(value) for value in table.column(name).to_pylist()]
        points = [(px, py) for px, py in zip(xs, ys, strict=True) if px is not None]
        if axis != "category":
            points.sort(key=lambda point: point[0])
        series.append(Series(name, points))
    return xy_chart(series, style=style, x_axis=axis, categories=categories, height=CHART_HEIGHT)


def result_chart(table: pa.Table, wanted: ChartSpec | None) -> ResultChart | None:
    """The chart `wanted` asks for where its columns exist, else the default axes; None for
    a table-only result or one with nothing to plot."""
    kind = wanted.type if wanted else ChartType.BAR
    if kind is ChartType.TABLE:
        return None
    axes = default_axes(table)
    names = set(table.column_names)
    x = wanted.x if wanted and wanted.x in names else (axes[0] if axes else None)
    y = [name for name in wanted.y if name in names and name != x] if wanted else []
    if not y and axes:
        y = [name for name in axes[1] if name != x]
    if x is None or not y:
        return None
    y = [name for name in y if is_numeric(table.schema.field(name).type)][:MAX_SERIES]
    if not y:
        return None
    return ResultChart(kind, x, y, chart_payload(table, CHART_STYLES[kind], x, y))


def result_view(table: pa.Table, elapsed_ms: float, wanted: ChartSpec | None) -> ResultView:
    head = table.slice(0, GRID_ROWS)
    columns = [ResultColumn(f.name, str(f.type), is_numeric(f.type)) for f in table.schema]
    return ResultView(
        columns, json_rows(head), table.num_rows, elapsed_ms, result_chart(table, wanted)
    )
