from __future__ import annotations

import mlplane
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_registry, seed_tracking
from mlplane.registry.demo import DEMO_MODEL


def test_seed_registry_registers_aliases_and_an_approved_production_once(
    client: mlplane.Client,
) -> None:
    seed_catalog(client)
    seed_tracking(client)

    seed_registry(client)
    seed_registry(client)

    model = client.models.get(DEMO_MODEL, project=DEMO_PROJECT)
    assert model.latest_version == 2
    assert model.aliases == {"challenger": 1, "champion": 2, "production": 2}
    approvals = client.models.approvals(project=DEMO_PROJECT)
    assert [(a.alias, a.state) for a in approvals] == [("production", "approved")]
    assert [p.alias for p in client.models.protected_aliases(project=DEMO_PROJECT)] == [
        "production"
    ]
    lineage = client.models.lineage(DEMO_MODEL, 2, project=DEMO_PROJECT)
    assert (
        lineage.metrics["accuracy"]
        >= client.models.lineage(DEMO_MODEL, 1, project=DEMO_PROJECT).metrics["accuracy"]
    )
