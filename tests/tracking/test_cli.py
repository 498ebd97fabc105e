from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app
from mlplane.tracking.schemas import Experiment

runner = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def two_runs(client: mlplane.Client, project: str, experiment: Experiment) -> list[str]:
    ids = []
    for name, lr, acc in (("slow", "0.01", 0.7), ("fast", "0.1", 0.9)):
        run = client.runs.create(experiment.id, project=project, name=name)
        client.runs.log_batch(
            run.id, project=project, params={"lr": lr}, metrics=[{"key": "acc", "value": acc}]
        )
        ids.append(run.id)
    return ids


def test_create_and_list_experiments(client: mlplane.Client, home: Path, project: str) -> None:
    code, out, _ = _mlplane(
        home, "experiments", "create", "churn", "--project", project, "-d", "who leaves",
        "--tag", "team=risk", "--output", "json",
    )  # fmt: skip
    listed_code, listed, _ = _mlplane(home, "experiments", "list", "-p", project)

    assert code == 0
    assert json.loads(out)["tags"] == {"team": "risk"}
    assert listed_code == 0
    assert "churn" in listed
    assert "who leaves" in listed


def test_get_and_delete_experiment(
    client: mlplane.Client, home: Path, project: str, experiment: Experiment
) -> None:
    code, out, _ = _mlplane(home, "-o", "json", "experiments", "get", "baseline", "-p", project)
    deleted_code, _, _ = _mlplane(home, "experiments", "delete", experiment.id, "-p", project)

    assert code == 0
    assert json.loads(out)["id"] == experiment.id
    assert deleted_code == 0
    assert client.experiments.get(experiment.id, project=project).lifecycle == "deleted"


def test_experiments_use_the_default_project(
    client: mlplane.Client, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.projects.create("team-a")
    monkeypatch.setenv("MLPLANE_PROJECT", "team-a")

    code, _, _ = _mlplane(home, "experiments", "create", "from-env")

    assert code == 0
    assert client.experiments.get("from-env", project="team-a").name == "from-env"


def test_list_runs_with_filter_and_order(
    client: mlplane.Client, home: Path, project: str, two_runs: list[str]
) -> None:
    code, out, _ = _mlplane(
        home, "runs", "list", "-p", project, "--filter", "metrics.acc > 0.5",
        "--order-by", "metrics.acc DESC", "--output", "json",
    )  # fmt: skip
    table_code, table, _ = _mlplane(home, "runs", "list", "-p", project, "-e", "baseline")

    assert code == 0
    assert [run["name"] for run in json.loads(out)] == ["fast", "slow"]
    assert table_code == 0
    assert "fast" in table
    assert "acc=0.9" in table


def test_get_run_shows_params_and_metrics(
    client: mlplane.Client, home: Path, project: str, two_runs: list[str]
) -> None:
    code, out, _ = _mlplane(home, "runs", "get", two_runs[0], "-p", project)

    assert code == 0
    assert "params.lr" in out
    assert "metrics.acc" in out
    assert "0.01" in out


def test_compare_runs_side_by_side(
    client: mlplane.Client, home: Path, project: str, two_runs: list[str]
) -> None:
    client.runs.log_metric(two_runs[1], "loss", float("inf"), project=project)

    code, out, _ = _mlplane(home, "-o", "json", "runs", "compare", *two_runs, "-p", project)
    table_code, table, _ = _mlplane(home, "runs", "compare", *two_runs, "-p", project)

    compared = json.loads(out)
    assert code == 0
    assert compared["params"]["lr"] == {two_runs[0]: "0.01", two_runs[1]: "0.1"}
    assert compared["metrics"]["loss"] == {two_runs[0]: None, two_runs[1]: "Infinity"}
    assert table_code == 0
    assert "slow" in table
    assert "fast" in table


def test_delete_run(client: mlplane.Client, home: Path, project: str, two_runs: list[str]) -> None:
    code, out, _ = _mlplane(home, "runs", "delete", two_runs[0], "-p", project, "-o", "json")

    assert code == 0
    assert json.loads(out)["lifecycle"] == "deleted"
    assert len(client.runs.list(project=project)) == 1


def test_bad_filter_exits_1_with_the_reason(
    client: mlplane.Client, home: Path, project: str
) -> None:
    code, _, err = _mlplane(home, "runs", "list", "-p", project, "--filter", "metrics.acc >> 1")

    assert code == 1
    assert "filter:" in err


def test_help_lists_tracking_commands() -> None:
    result = runner.invoke(app, ["--help"])

    assert "experiments" in result.stdout
    assert "runs" in result.stdout
