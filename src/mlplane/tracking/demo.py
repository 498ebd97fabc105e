"""The demo experiment: a few finished runs with params, metric curves, a tag and a file.

Runs are found again by name, so seeding twice adds nothing.
"""

from __future__ import annotations

import json
import math

from mlplane.client.client import Client

DEMO_EXPERIMENT = "churn-classifier"
STEPS = 30
SETTINGS = (
    {"learning_rate": 0.1, "max_depth": 3},
    {"learning_rate": 0.05, "max_depth": 5},
    {"learning_rate": 0.01, "max_depth": 8},
    {"learning_rate": 0.2, "max_depth": 2},
)


def _curves(learning_rate: float, max_depth: int) -> list[dict[str, float | int | str]]:
    """Deterministic, plausible training curves: loss falls, accuracy rises, then plateau."""
    points: list[dict[str, float | int | str]] = []
    ceiling = 0.8 + 0.02 * max_depth - 0.2 * abs(learning_rate - 0.05)
    for step in range(STEPS):
        progress = 1 - math.exp(-learning_rate * 40 * (step + 1) / STEPS)
        wiggle = 0.01 * math.sin(step * 1.7 + max_depth)
        loss = 1.2 * (1 - progress) + 0.15 + wiggle
        accuracy = min(0.99, 0.5 + (ceiling - 0.5) * progress - wiggle)
        points.append({"key": "loss", "value": round(loss, 5), "step": step})
        points.append({"key": "accuracy", "value": round(accuracy, 5), "step": step})
    return points


def seed_experiment(client: Client, project: str) -> None:
    experiment = client.experiments.get_or_create(DEMO_EXPERIMENT, project=project)
    existing = {
        run.name
        for run in client.runs.search(project=project, experiments=[experiment.id], view="ALL")
    }
    for index, settings in enumerate(SETTINGS, start=1):
        name = f"gbm-{index}"
        if name in existing:
            continue
        run = client.runs.create(
            experiment.id,
            project=project,
            name=name,
            tags={"team": "platform", "model": "gradient-boosting"},
            source_name="mlplane demo",
            source_type="LOCAL",
        )
        client.runs.log_batch(
            run.id,
            project=project,
            params=settings,
            metrics=_curves(float(settings["learning_rate"]), int(settings["max_depth"])),
        )
        config = {"model": "gradient-boosting", **settings, "features": ["tenure", "plan", "usage"]}
        client.runs.upload_bytes(
            run.id, "config.json", json.dumps(config, indent=2).encode(), project=project
        )
        client.runs.end(run.id, project=project)
