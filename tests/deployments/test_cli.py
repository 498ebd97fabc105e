from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app

runner = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout, result.stderr


def test_deploy_create_update_status_abort_events(
    home: Path, client: mlplane.Client, project: str, versions: list[int]
) -> None:
    code, out, err = _mlplane(
        home, "-o", "json", "deploy", "create", "churn-api", "models:/churn/1", "-p", project,
        "--strategy", "canary", "--step-weight", "25", "--max-weight", "50", "--interval", "15",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["strategy"]["step_weight"] == 25
    code, out, err = _mlplane(
        home, "-o", "json", "deploy", "update", "churn-api", "--model", "models:/churn/2",
        "-p", project,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["candidate"]["weight"] == 25
    code, out, _ = _mlplane(home, "deploy", "status", "-p", project)
    assert code == 0
    assert "churn-api" in out
    code, out, _ = _mlplane(home, "-o", "json", "deploy", "abort", "churn-api", "-p", project)
    assert code == 0
    assert json.loads(out)["outcome"] == "aborted"
    code, out, _ = _mlplane(home, "-o", "json", "deploy", "events", "churn-api", "-p", project)
    assert [event["kind"] for event in json.loads(out)] == [
        "created",
        "deployed",
        "rollout_started",
        "aborted",
    ]


def test_deploy_promote_without_rollout_exits_1(
    home: Path, client: mlplane.Client, project: str, versions: list[int]
) -> None:
    _mlplane(home, "deploy", "create", "churn-api", "models:/churn/1", "-p", project)
    code, _, err = _mlplane(home, "deploy", "promote", "churn-api", "-p", project)
    assert code == 1
    assert "no rollout" in err
