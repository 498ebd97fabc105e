from __future__ import annotations

from collections.abc import Callable

import mlplane
from mlplane.tracking.schemas import Experiment


def test_query_ranks_runs_by_their_latest_metric(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    for name, accuracy in (("low", 0.7), ("high", 0.9)):
        run = client.runs.create(experiment.id, project=project, name=name)
        client.runs.log_batch(
            run.id,
            project=project,
            params={"depth": "3"},
            metrics=[{"key": "accuracy", "value": accuracy}],
        )
    sql = (
        "SELECT r.name, r.experiment, p.value AS depth, m.value AS accuracy FROM runs r "
        "JOIN run_metrics m ON m.run_id = r.id JOIN run_params p ON p.run_id = r.id "
        "WHERE m.key = 'accuracy' ORDER BY m.value DESC"
    )

    rows = client.sql.run(sql, project=project).rows

    assert [list(row) for row in rows] == [
        ["high", experiment.name, "3", 0.9],
        ["low", experiment.name, "3", 0.7],
    ]


def test_query_of_runs_shows_only_projects_the_caller_views(
    client: mlplane.Client,
    project: str,
    experiment: Experiment,
    user_client: Callable[..., mlplane.Client],
) -> None:
    client.runs.create(experiment.id, project=project, name="hidden")
    client.projects.create("visible")
    outsider = user_client("olga", "visible", "viewer")

    rows = outsider.sql.run("SELECT count(*) FROM runs", project="visible").rows
    names = client.sql.run("SELECT name FROM experiments", project=project).rows

    assert [list(row) for row in rows] == [[0]]
    assert [experiment.name] in [list(row) for row in names]
