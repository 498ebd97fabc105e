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


def test_deploy_shadow_strategy_and_payload_capture(
    home: Path, client: mlplane.Client, project: str, versions: list[int]
) -> None:
    code, out, err = _mlplane(
        home, "-o", "json", "deploy", "create", "churn-api", "models:/churn/1", "-p", project,
        "--strategy", "shadow", "--percent", "25", "--payload-sample-rate", "0.2",
        "--redact", "ssn", "--redact", "email",
    )  # fmt: skip
    assert code == 0, err
    created = json.loads(out)
    assert created["strategy"]["percent"] == 25
    assert (created["payload_sample_rate"], created["redact"]) == (0.2, ["ssn", "email"])
    code, out, err = _mlplane(
        home, "-o", "json", "deploy", "update", "churn-api", "--model", "models:/churn/2",
        "--payload-sample-rate", "default", "--no-redact", "-p", project,
    )  # fmt: skip
    assert code == 0, err
    updated = json.loads(out)
    assert (updated["candidate"]["weight"], updated["candidate"]["mirror_percent"]) == (0, 25)
    assert (updated["payload_sample_rate"], updated["redact"]) == (None, [])
    code, _, err = _mlplane(
        home, "deploy", "update", "churn-api", "--payload-sample-rate", "often", "-p", project
    )
    assert code != 0
    assert "payload-sample-rate" in err
