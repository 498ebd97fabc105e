from __future__ import annotations

import mlplane
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_tracking


def test_seed_tracking_makes_finished_runs_once(client: mlplane.Client) -> None:
    seed_catalog(client)

    seed_tracking(client)
    seed_tracking(client)

    runs = client.runs.search(project=DEMO_PROJECT, order_by=["attributes.run_name"])
    assert [run.name for run in runs] == ["gbm-1", "gbm-2", "gbm-3", "gbm-4"]
    assert all(run.status == "FINISHED" for run in runs)
    assert all(run.tags["team"] == "platform" for run in runs)
    assert set(runs[0].params) == {"learning_rate", "max_depth"}
    history = client.runs.metric_history(runs[0].id, "accuracy", project=DEMO_PROJECT)
    assert history.total == 30
    assert history.points[-1].value > history.points[0].value
    artifacts = client.runs.list_artifacts(runs[0].id, project=DEMO_PROJECT)
    assert [entry.path for entry in artifacts] == ["config.json"]
