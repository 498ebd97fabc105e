from __future__ import annotations

import mlplane
from mlplane.demo import (
    DEMO_PROJECT,
    seed_catalog,
    seed_deployments,
    seed_serving,
    seed_tracking,
)
from mlplane.deployments.demo import DEMO_DEPLOYMENT, DEMO_MODEL


def test_seed_deployments_deploys_the_served_model_once(client: mlplane.Client) -> None:
    seed_catalog(client)
    seed_tracking(client)
    seed_serving(client)

    seed_deployments(client)
    seed_deployments(client)

    (deployment,) = client.deployments.list(project=DEMO_PROJECT)
    assert (deployment.name, deployment.status, deployment.strategy.type) == (
        DEMO_DEPLOYMENT,
        "stable",
        "canary",
    )
    assert deployment.stable is not None
    assert (deployment.stable.source, deployment.stable.weight) == (f"models:/{DEMO_MODEL}/1", 100)
    versions = client.models.versions(DEMO_MODEL, project=DEMO_PROJECT)
    assert [version.version for version in versions] == [1]
