"""The demo's ingestion: a shop's SQLite database read into the `orders` dataset by a
pipeline built from the ready-made `ingest` step, once, then again after new orders arrive
(the second run reads only the rows past its cursor and adds them to the last version).
The dataset's check gates each version.

The shop database lives in the platform's home, so the demo never reaches outside it.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.client.errors import ApiError
from mlplane.data.steps import ingest
from mlplane.pipelines.dsl import pipeline

if TYPE_CHECKING:
    from mlplane.client.client import Client

ORDERS = "orders"
PIPELINE = "orders-ingestion"
FIRST_BATCH, SECOND_BATCH = 300, 120


@pipeline(name=PIPELINE)
def orders_ingestion(url: str) -> dict[str, Any]:
    source = {"kind": "sql", "url": url, "table": "orders", "cursor_column": "id"}
    result: dict[str, Any] = ingest(ORDERS, source, message="new orders from the shop database")
    return result


def _add_orders(database: Path, count: int) -> None:
    generator = random.Random(count)
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
            " amount REAL NOT NULL, channel TEXT NOT NULL)"
        )
        connection.executemany(
            "INSERT INTO orders (customer, amount, channel) VALUES (?, ?, ?)",
            [
                (
                    f"c{generator.randrange(500):03d}",
                    round(generator.uniform(5, 250), 2),
                    generator.choice(["web", "mobile", "store"]),
                )
                for _ in range(count)
            ],
        )


def seed_ingestion(client: Client, project: str) -> None:
    from mlplane.pipelines.runner import run_pipeline

    if client.pipelines.list_runs(project, pipeline=PIPELINE, limit=1):
        return
    try:
        client.datasets.create(
            ORDERS, project=project, description="Orders ingested from the shop's database."
        )
        client.datasets.create_check(
            ORDERS,
            {"name": "amount-positive", "kind": "range", "column": "amount", "min": 0},
            project=project,
        )
    except ApiError as error:
        if error.status != 409:
            raise
    database = client.target.home / "demo" / "shop.db"
    database.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{database}"
    for batch in (FIRST_BATCH, SECOND_BATCH):
        _add_orders(database, batch)
        run_pipeline(
            orders_ingestion, {"url": url}, project=project, client=client
        ).raise_for_state()
