from __future__ import annotations

import mlplane
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_data


def test_seed_data_twice_makes_two_versions_a_check_and_a_query(client: mlplane.Client) -> None:
    seed_catalog(client)

    seed_data(client)
    seed_data(client)

    dataset = client.datasets.get("transactions", project=DEMO_PROJECT)
    assert (dataset.version_count, dataset.latest_version) == (2, 2)
    version = client.datasets.get_version("transactions", project=DEMO_PROJECT)
    assert version.row_count == 2400
    assert [check.passed for check in version.validation] == [True, True, True]
    assert client.datasets.get_profile("transactions", project=DEMO_PROJECT).row_count == 2400
    result = client.sql.run_query("revenue-by-country", project=DEMO_PROJECT)
    assert result.row_count == 6
    assert result.rows[0][0] == "FR"
