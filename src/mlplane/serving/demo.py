"""The demo's served model: a small churn classifier logged to a run and served as `churn`."""

from __future__ import annotations

from mlplane.client.client import Client

DEMO_SERVED = "churn"


def seed_served_model(client: Client, project: str, experiment: str) -> None:
    if any(model.name == DEMO_SERVED for model in client.serving.list(project=project)):
        return  # seeded before
    try:
        import numpy as np
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    except ImportError:
        return  # the demo serves a scikit-learn model; without the library there is none
    from mlplane.registry.packaging import log_model

    rng = np.random.default_rng(7)
    tenure = rng.uniform(1, 72, 300)
    spend = rng.uniform(10, 120, 300)
    features = np.column_stack([tenure, spend])
    churned = (spend / 120 - tenure / 72 + rng.normal(0, 0.2, 300) > 0).astype(np.int64)
    model = LogisticRegression().fit(features, churned)
    run = client.runs.create(experiment, project=project, name="served-churn-model")
    log_model(
        model, "model", run=run.id, client=client, project=project, input_example=features[:5]
    )
    client.runs.end(run.id, project=project)
    client.serving.add(
        DEMO_SERVED, f"runs:/{run.id}/model", project=project, max_batch_size=64, max_wait_ms=2
    )
