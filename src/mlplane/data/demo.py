"""The demo's data: a synthetic `transactions` table in two versions with its checks, the run
that extracted the second version, and saved queries to chart it.

Generated with a fixed seed, so a restart produces the same bytes and finds the versions
it made before instead of adding new ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from mlplane.client.errors import ApiError
from mlplane.data.schemas.versions import Lineage

if TYPE_CHECKING:
    from mlplane.client.client import Client

DATASET = "transactions"
COUNTRIES = ["FR", "DE", "ES", "IT", "NL", "BE"]
CHANNELS = ["web", "mobile", "store"]
EXTRACT_EXPERIMENT = "data-extracts"
EXTRACT_RUN = "extract-january"


def transactions(rows: int, seed: int, start: datetime) -> pa.Table:
    generator = np.random.default_rng(seed)
    seconds = np.sort(generator.integers(0, 30 * 24 * 3600, rows))
    return pa.table(
        {
            "transaction_id": np.arange(1, rows + 1, dtype=np.int64),
            "customer_id": generator.integers(1, rows // 4 + 2, rows),
            "amount": np.round(generator.lognormal(3.5, 0.8, rows), 2),
            "country": pa.array(
                generator.choice(COUNTRIES, rows, p=[0.3, 0.25, 0.15, 0.15, 0.1, 0.05])
            ),
            "channel": pa.array(generator.choice(CHANNELS, rows, p=[0.5, 0.35, 0.15])),
            "is_fraud": generator.random(rows) < 0.02,
            "created_at": pa.array(
                [start + timedelta(seconds=int(s)) for s in seconds], pa.timestamp("us", tz="UTC")
            ),
        }
    )


def _ignore_conflict(error: ApiError) -> None:
    if error.status != 409:
        raise error


def _extract_run(client: Client, project: str) -> str:
    """The run that made the cleaned version: its lineage links to it."""
    experiment = client.experiments.get_or_create(EXTRACT_EXPERIMENT, project=project)
    for run in client.runs.search(project=project, experiments=[experiment.id], view="ALL"):
        if run.name == EXTRACT_RUN:
            return run.id
    run = client.runs.create(experiment.id, project=project, name=EXTRACT_RUN)
    client.runs.log_batch(
        run.id,
        project=project,
        params={"source": "warehouse.card_transactions", "month": "2026-01"},
        metrics=[{"key": "rows_extracted", "value": 2400.0, "step": 0}],
    )
    client.runs.end(run.id, project=project)
    return run.id


def _seed_queries(client: Client, project: str) -> None:
    queries = (
        (
            "revenue-by-country",
            f"SELECT country, round(sum(amount), 2) AS revenue, count(*) AS transactions\n"
            f"FROM {DATASET}\nWHERE NOT is_fraud\nGROUP BY country\nORDER BY revenue DESC",
            "Revenue per country in the latest transactions version.",
            {"type": "bar", "x": "country", "y": ["revenue"]},
        ),
        (
            "daily-revenue",
            f"SELECT date_trunc('day', created_at) AS day, round(sum(amount), 2) AS revenue,\n"
            f"       round(sum(amount) FILTER (WHERE is_fraud), 2) AS fraud\n"
            f"FROM {DATASET}\nGROUP BY day\nORDER BY day",
            "Revenue per day, and how much of it was fraud.",
            {"type": "line", "x": "day", "y": ["revenue", "fraud"]},
        ),
    )
    for name, sql, description, chart in queries:
        try:
            client.sql.create_query(
                name, sql, project=project, description=description, chart=chart
            )
        except ApiError as error:
            _ignore_conflict(error)


def record_consumers(client: Client, project: str, experiment: str) -> None:
    """Note that the runs of `experiment` trained on the latest transactions; nothing when
    the experiment is not there."""
    try:
        found = client.experiments.get(experiment, project=project)
    except ApiError as error:
        if error.status == 404:
            return
        raise
    version = client.datasets.get(DATASET, project=project).latest_version
    if version is None:
        return
    for run in client.runs.search(project=project, experiments=[found.id], view="ALL"):
        client.datasets.create_consumer(DATASET, version, run.id, project=project)


def seed_datasets(client: Client, project: str) -> None:
    datasets = client.datasets
    try:
        datasets.create(
            DATASET,
            project=project,
            description="Synthetic card transactions: a table to version, check, profile, query.",
            tags={"source": "synthetic", "pii": "no"},
        )
    except ApiError as error:
        _ignore_conflict(error)
    for check in (
        {"name": "amount-positive", "kind": "range", "column": "amount", "min": 0},
        {"name": "customer-known", "kind": "not_null", "columns": ["customer_id"]},
        {"name": "one-row-per-id", "kind": "unique", "columns": ["transaction_id"]},
    ):
        try:
            datasets.create_check(DATASET, check, project=project)
        except ApiError as error:
            _ignore_conflict(error)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = datasets.get(DATASET, project=project).version_count
    if made < 1:
        datasets.push(
            transactions(2_000, 1, start), DATASET, project=project, message="January extract"
        )
    if made < 2:
        datasets.push(
            transactions(2_400, 2, start),
            DATASET,
            project=project,
            message="January extract, late arrivals included",
            tags={"stage": "clean"},
            lineage=Lineage(
                run_id=_extract_run(client, project),
                job=EXTRACT_RUN,
                sources=[f"{DATASET}@1", "warehouse.card_transactions, January 2026"],
            ),
        )
    _seed_queries(client, project)
