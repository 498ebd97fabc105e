"""The demo pipeline: ingest → prepare → train → evaluate, small enough to run in a blink."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from mlplane.pipelines.dsl import pipeline, step

if TYPE_CHECKING:
    from mlplane.client.client import Client

SOURCE = "mlplane.pipelines.demo:churn_training"


@step
def ingest(rows: int, seed: int) -> list[dict[str, float]]:
    generator = random.Random(seed)
    records = []
    for _ in range(rows):
        tenure = generator.uniform(0, 60)
        charges = generator.uniform(10, 120)
        churned = 1.0 if charges / 120 - tenure / 60 + generator.gauss(0, 0.2) > 0 else 0.0
        records.append({"tenure": tenure, "charges": charges, "churned": churned})
    return records


@step
def prepare(records: list[dict[str, float]], holdout: float) -> dict[str, Any]:
    split = int(len(records) * (1 - holdout))
    score = [record["charges"] / 120 - record["tenure"] / 60 for record in records]
    labels = [record["churned"] for record in records]
    return {
        "train": [score[:split], labels[:split]],
        "test": [score[split:], labels[split:]],
    }


@step
def train(dataset: dict[str, Any]) -> dict[str, float]:
    """A one-feature threshold model: the cut that classifies the training rows best."""
    scores, labels = dataset["train"]
    best = (0.0, -1.0)
    for cut in sorted({round(score, 2) for score in scores}):
        hits = sum(
            (score > cut) == bool(label) for score, label in zip(scores, labels, strict=True)
        )
        best = max(best, (hits / len(scores), cut))
    return {"threshold": best[1], "train_accuracy": best[0]}


@step
def evaluate(model: dict[str, float], dataset: dict[str, Any]) -> dict[str, float]:
    scores, labels = dataset["test"]
    hits = sum(
        (score > model["threshold"]) == bool(label)
        for score, label in zip(scores, labels, strict=True)
    )
    return {"accuracy": hits / max(1, len(scores)), "threshold": model["threshold"]}


@pipeline(name="churn-training")
def churn_training(rows: int = 500, seed: int = 7, holdout: float = 0.2) -> dict[str, float]:
    dataset = prepare(ingest(rows, seed), holdout)
    return evaluate(train(dataset), dataset)


def seed_pipeline(client: Client, project: str) -> None:
    """Two runs of the demo pipeline (the second one all cache hits) and a nightly schedule."""
    from mlplane.client.errors import ApiError
    from mlplane.pipelines.runner import run_pipeline

    if not client.pipelines.list_runs(project, pipeline=churn_training.name, limit=1):
        for _ in range(2):
            run_pipeline(churn_training, {}, project=project, client=client).raise_for_state()
    try:
        client.pipelines.create_schedule(
            project, "churn-nightly", SOURCE, "0 3 * * *", timezone="UTC"
        )
    except ApiError as error:
        if error.status != 409:
            raise
