"""The demo's deployment: the served churn classifier, registered and deployed behind a
canary strategy, so a newcomer sees a deployment, its traffic split and its events."""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.serving.demo import DEMO_SERVED

DEMO_DEPLOYMENT = "churn-api"
DEMO_MODEL = "churn-classifier"
DEMO_STRATEGY = {
    "type": "canary",
    "step_weight": 20,
    "max_weight": 60,
    "interval": 60,
    "threshold": 2,
    "min_success_rate": 0.99,
    "max_p99_ms": 250,
}


def seed_deployment(client: Client, project: str) -> None:
    if any(found.name == DEMO_DEPLOYMENT for found in client.deployments.list(project=project)):
        return  # seeded before
    served = [model for model in client.serving.list(project=project) if model.name == DEMO_SERVED]
    if not served:
        return  # no demo model to deploy (scikit-learn missing)
    version = client.models.register(
        DEMO_MODEL,
        served[0].source,
        project=project,
        description="Churn classifier behind the churn-api deployment.",
    )
    client.deployments.create(
        DEMO_DEPLOYMENT,
        f"models:/{DEMO_MODEL}/{version.version}",
        strategy=DEMO_STRATEGY,
        description="Churn predictions; new versions roll out as a canary.",
        project=project,
    )
