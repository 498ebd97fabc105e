"""A table version's profile as the version page shows it: one card per column, with the
column's histogram (numbers) or its most frequent values (text, booleans) as bars."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from mlplane.data.schemas.profiles import ColumnProfile, Profile
from mlplane.ui.charts import Series, xy_chart
from mlplane.ui.pages.data.display import format_count, format_value

CHART_HEIGHT = 160


@dataclass(frozen=True)
class ColumnCard:
    name: str
    type: str
    facts: list[tuple[str, str]]
    chart: dict[str, Any] | None
    chart_label: str


def _facts(column: ColumnProfile, row_count: int) -> list[tuple[str, str]]:
    share = f" ({column.nulls / row_count:.1%})" if row_count and column.nulls else ""
    facts = [
        ("values", format_count(column.count)),
        ("nulls", format_count(column.nulls) + share),
        ("distinct ≈", format_count(column.distinct_approx)),
    ]
    if column.min is not None or column.max is not None:
        facts += [("min", format_value(column.min)), ("max", format_value(column.max))]
    if column.mean is not None:
        facts.append(("mean", format_value(column.mean)))
    if column.std is not None:
        facts.append(("std", format_value(column.std)))
    if column.quantiles and "p50" in column.quantiles:
        facts.append(("median", format_value(column.quantiles["p50"])))
    return facts


def _chart(column: ColumnProfile) -> tuple[dict[str, Any] | None, str]:
    if column.histogram and column.histogram.counts:
        edges = column.histogram.edges
        centres = [(low + high) / 2 for low, high in itertools.pairwise(edges)]
        points = list(zip(centres, [float(n) for n in column.histogram.counts], strict=False))
        chart = xy_chart(
            [Series("rows", points)], style="bar", x_axis="number", height=CHART_HEIGHT
        )
        return chart, f"histogram of {column.name}"
    if column.top_values:
        labels = [
            "null" if item.value is None else format_value(item.value) for item in column.top_values
        ]
        points = [(float(index), float(item.count)) for index, item in enumerate(column.top_values)]
        chart = xy_chart(
            [Series("rows", points)],
            style="bar",
            x_axis="category",
            categories=labels,
            height=CHART_HEIGHT,
        )
        return chart, f"most frequent values of {column.name}"
    return None, ""


def column_cards(profile: Profile) -> list[ColumnCard]:
    cards = []
    for column in profile.columns:
        chart, label = _chart(column)
        cards.append(
            ColumnCard(column.name, column.type, _facts(column, profile.row_count), chart, label)
        )
    return cards
