from __future__ import annotations

import mlplane
from mlplane.data.ingestion_demo import FIRST_BATCH, ORDERS, PIPELINE, SECOND_BATCH, seed_ingestion
from mlplane.demo import DEMO_PROJECT, seed_catalog


def test_seed_ingestion_twice_makes_two_gated_versions_from_the_shop_database(
    client: mlplane.Client,
) -> None:
    seed_catalog(client)

    seed_ingestion(client, DEMO_PROJECT)
    seed_ingestion(client, DEMO_PROJECT)

    runs = client.pipelines.list_runs(DEMO_PROJECT, pipeline=PIPELINE)
    assert [run.state for run in runs] == ["succeeded", "succeeded"]
    dataset = client.datasets.get(ORDERS, project=DEMO_PROJECT)
    assert (dataset.version_count, dataset.latest_version) == (2, 2)
    first = client.datasets.get_version(ORDERS, 1, project=DEMO_PROJECT)
    second = client.datasets.get_version(ORDERS, 2, project=DEMO_PROJECT)
    assert (first.row_count, second.row_count) == (FIRST_BATCH, FIRST_BATCH + SECOND_BATCH)
    assert [check.passed for check in second.validation] == [True]
