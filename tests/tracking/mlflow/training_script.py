"""A training script as people write them for MLflow; it knows nothing of mlplane.

It reads its server from MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN like any MLflow
script, and returns the ids of the runs it made.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import mlflow
import numpy as np
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag


def train(experiment_name: str, workdir: Path, epochs: int = 5) -> dict[str, str]:
    mlflow.set_experiment(experiment_name)
    rng = np.random.default_rng(7)
    with mlflow.start_run(run_name="sweep") as parent:
        mlflow.set_tags({"team": "risk", "stage": "dev"})
        runs = {"parent": parent.info.run_id}
        for learning_rate in (0.1, 0.01):
            with mlflow.start_run(run_name=f"lr-{learning_rate}", nested=True) as child:
                mlflow.log_params({"learning_rate": learning_rate, "epochs": epochs})
                loss = 1.0
                for epoch in range(epochs):
                    loss *= 1 - learning_rate * 5 * rng.uniform(0.5, 1.0)
                    mlflow.log_metric("loss", loss, step=epoch)
                mlflow.log_metric("accuracy", 1 - loss / 2)
                runs[f"lr-{learning_rate}"] = child.info.run_id

        report = workdir / "report.txt"
        report.write_text("validation report\n")
        mlflow.log_artifact(str(report))
        plots = workdir / "plots"
        plots.mkdir(exist_ok=True)
        (plots / "roc.csv").write_text("fpr,tpr\n0,0\n1,1\n")
        (plots / "pr.csv").write_text("precision,recall\n1,0\n0,1\n")
        mlflow.log_artifacts(str(plots), artifact_path="plots")
        mlflow.log_dict({"features": ["age", "income"], "target": "default"}, "config/data.json")
        mlflow.log_text(json.dumps({"seed": 7}), "config/seed.json")

        client = MlflowClient()
        now = int(time.time() * 1000)
        client.log_batch(
            parent.info.run_id,
            metrics=[
                Metric("throughput", float(value), now, step)
                for step, value in enumerate([10, 12, 15])
            ],
            params=[Param("optimizer", "sgd")],
            tags=[RunTag("dataset", "loans-2024")],
        )
    return runs
