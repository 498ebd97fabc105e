from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app
from mlplane.compute.scheduler import JobRunner
from tests.compute.conftest import tick_until

cli = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout, result.stderr


def test_submit_from_yaml_then_logs_and_get(
    client: mlplane.Client, home: Path, project: str, runner: JobRunner, tmp_path: Path
) -> None:
    spec = {
        "name": "from-yaml",
        "command": [sys.executable, "-c", "print('line one'); print('line two')"],
        "resources": {"cpu": 1, "memory": "128Mi"},
        "retry": {"max_retries": 2},
    }
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(spec))
    code, out, _ = _mlplane(home, "-o", "json", "jobs", "submit", "-f", str(path), "-p", project)
    assert code == 0
    job_id = json.loads(out)["id"]
    tick_until(runner, lambda: client.jobs.get(job_id, project=project).status.is_terminal)

    code, out, _ = _mlplane(home, "jobs", "logs", job_id, "-p", project, "-f")
    assert code == 0
    assert out.splitlines() == ["line one", "line two"]
    code, out, _ = _mlplane(home, "-o", "json", "jobs", "get", job_id, "-p", project)
    assert json.loads(out)["status"] == "SUCCEEDED"
    assert json.loads(out)["spec"]["retry"]["max_retries"] == 2
    code, out, _ = _mlplane(home, "jobs", "list", "-p", project)
    assert "from-yaml" in out


def test_submit_command_after_dashes_with_options(
    client: mlplane.Client, home: Path, project: str
) -> None:
    code, out, _ = _mlplane(
        home, "-o", "json", "jobs", "submit", "-p", project, "--cpu", "0.5", "--env", "A=1",
        "--timeout", "30", "--", "python", "train.py", "--epochs", "3",
    )  # fmt: skip
    assert code == 0
    job = json.loads(out)
    assert job["spec"]["command"] == ["python", "train.py", "--epochs", "3"]
    assert job["spec"]["resources"]["cpu"] == 0.5
    assert job["spec"]["env"] == {"A": "1"}
    code, _, _ = _mlplane(home, "jobs", "cancel", job["id"], "-p", project)
    assert code == 0
    assert client.jobs.get(job["id"], project=project).status == "CANCELLED"


def test_submit_bad_spec_prints_the_field(home: Path, project: str, client: mlplane.Client) -> None:
    code, _, err = _mlplane(
        home, "jobs", "submit", "-p", project, "--pool", "nowhere", "--", "true"
    )
    assert code == 1
    assert "pool: pool 'nowhere' does not exist" in err


def test_pools_and_cost_commands(client: mlplane.Client, home: Path, project: str) -> None:
    code, _, _ = _mlplane(home, "pools", "create", "gpu-box", "--cpus", "8", "--memory", "32Gi",
                          "--gpus", "1", "--gpu-hour", "2.5")  # fmt: skip
    assert code == 0
    code, out, _ = _mlplane(home, "-o", "json", "pools", "list")
    assert {pool["name"] for pool in json.loads(out)} == {"local", "gpu-box"}
    code, out, _ = _mlplane(home, "-o", "json", "pools", "update", "gpu-box", "--cpu-hour", "0.1")
    assert json.loads(out)["prices"] == {
        "cpu_hour": 0.1, "gb_hour": 0.0, "gpu_hour": 2.5, "spot_factor": None
    }  # fmt: skip
    code, out, _ = _mlplane(home, "-o", "json", "cost", "-p", project)
    assert code == 0
    assert json.loads(out)["total"] == 0
    code, out, _ = _mlplane(home, "jobs", "quota", "-p", project, "--set", "--max-jobs", "2")
    assert code == 0
    assert client.jobs.quota(project=project).max_jobs == 2


def test_tune_file_without_metric_is_refused(home: Path, project: str, tmp_path: Path) -> None:
    path = tmp_path / "search.yaml"
    path.write_text(yaml.safe_dump({"job": {"command": "true"}, "space": {}}))
    code, _, err = _mlplane(home, "tune", str(path), "-p", project)
    assert code == 2
    assert "metric" in err
