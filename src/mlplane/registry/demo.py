"""The demo's registry: a model registered from the demo experiment's best runs, with
`champion` and `challenger` aliases and a protected `production` alias moved by approval."""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.client.errors import ApiError

DEMO_MODEL = "churn-gbm"
PRODUCTION = "production"


def seed_models(client: Client, project: str, experiment: str) -> None:
    models = client.models
    try:
        if models.get(DEMO_MODEL, project=project).latest_version > 0:
            return  # seeded before
    except ApiError as error:
        if error.status != 404:
            raise
        models.create(
            DEMO_MODEL,
            project=project,
            description="Predicts which customers will leave; trained in the demo experiment.",
            tags={"team": "platform", "task": "classification"},
        )
    runs = [
        run
        for run in client.runs.search(project=project, experiments=[experiment])
        if "accuracy" in run.metrics
    ]
    if len(runs) < 2:
        return
    runs.sort(key=lambda run: run.metrics["accuracy"].value, reverse=True)
    best, runner_up = runs[0], runs[1]
    models.register(
        DEMO_MODEL, f"runs:/{runner_up.id}", project=project, description="The first candidate."
    )
    models.register(
        DEMO_MODEL, f"runs:/{best.id}", project=project, description="The most accurate run."
    )
    models.set_alias(DEMO_MODEL, "challenger", 1, project=project)
    models.set_alias(DEMO_MODEL, "champion", 2, project=project)
    models.protect_alias(PRODUCTION, project=project)
    request = models.request_approval(
        DEMO_MODEL, PRODUCTION, 2, comment="Best accuracy of the sweep.", project=project
    )
    models.approve(request.id, comment="Reviewed the metrics: ship it.", project=project)
