from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mlplane.cli.main import app

runner = CliRunner()

PIPELINE = """
from mlplane.pipelines.dsl import pipeline, step
from pathlib import Path

@step
def made(count: int) -> list[int]:
    return list(range(count))

@step
def checked(flag: str, values: list[int]) -> int:
    if not Path(flag).exists():
        raise RuntimeError("the flag file is missing")
    return sum(values)

@pipeline(project="cli-pipelines")
def checked_sum(count: int = 3, flag: str = ""):
    return checked(flag, made(count))
"""


def _mlplane(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--home", str(home), "-o", "json", *args])
    return result.exit_code, result.stdout


def test_run_resume_list_get_from_cli(home: Path, tmp_path: Path) -> None:
    script, flag = tmp_path / "flow.py", tmp_path / "flag"
    script.write_text(PIPELINE)
    code, out = _mlplane(
        home,
        "pipelines",
        "run",
        f"{script}:checked_sum",
        "--param",
        "count=4",
        "--param",
        f"flag={flag}",
    )
    assert code == 1
    failed = json.loads(out)
    assert failed["steps"] == {"made": "succeeded", "checked": "failed"}

    flag.write_text("ok")
    code, out = _mlplane(home, "pipelines", "resume", failed["run_id"], "-p", "cli-pipelines")
    assert code == 0, out
    assert json.loads(out)["steps"] == {"made": "reused", "checked": "succeeded"}

    code, out = _mlplane(home, "pipelines", "list", "-p", "cli-pipelines")
    assert [run["state"] for run in json.loads(out)] == ["succeeded", "failed"]
    code, out = _mlplane(home, "pipelines", "get", failed["run_id"], "-p", "cli-pipelines")
    assert json.loads(out)["params"] == {"count": 4, "flag": str(flag)}


def test_run_rejects_unknown_param(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "flow.py"
    script.write_text(PIPELINE)
    result = runner.invoke(
        app, ["--home", str(home), "pipelines", "run", f"{script}:checked_sum", "--param", "x=1"]
    )
    assert result.exit_code == 2
    assert "unexpected keyword argument 'x'" in result.stderr


def test_schedules_create_list_delete(home: Path, tmp_path: Path) -> None:
    _mlplane(home, "projects", "create", "scheduled")
    code, out = _mlplane(
        home,
        "pipelines",
        "schedules",
        "create",
        "nightly",
        "flow.py:checked_sum",
        "--cron",
        "0 3 * * *",
        "--timezone",
        "Europe/Paris",
        "-p",
        "scheduled",
    )
    assert code == 0, out
    assert json.loads(out)["source"] == f"{Path('flow.py').resolve()}:checked_sum"
    code, out = _mlplane(home, "pipelines", "schedules", "list", "-p", "scheduled")
    assert [item["name"] for item in json.loads(out)] == ["nightly"]
    code, _ = _mlplane(home, "pipelines", "schedules", "delete", "nightly", "-p", "scheduled")
    assert code == 0
    code, out = _mlplane(home, "pipelines", "schedules", "list", "-p", "scheduled")
    assert json.loads(out) == []


def test_schedules_and_triggers_create_with_ray_executor(home: Path) -> None:
    _mlplane(home, "projects", "create", "on-ray")
    on_ray = ["--executor", "ray", "--address", "10.0.0.5:6379", "-p", "on-ray"]
    code, out = _mlplane(
        home,
        "pipelines",
        "schedules",
        "create",
        "nightly",
        "flow.py:f",
        "--cron",
        "0 3 * * *",
        *on_ray,
    )
    assert code == 0, out
    assert json.loads(out)["run_options"] == {"executor": "ray", "address": "10.0.0.5:6379"}
    code, out = _mlplane(
        home,
        "pipelines",
        "triggers",
        "create",
        "on-data",
        "flow.py:f",
        "--event",
        "data.version.created",
        *on_ray,
    )
    assert code == 0, out
    assert json.loads(out)["run_options"] == {"executor": "ray", "address": "10.0.0.5:6379"}


def test_schedules_create_refuses_address_for_local_executor(home: Path) -> None:
    result = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "pipelines",
            "schedules",
            "create",
            "nightly",
            "flow.py:f",
            "--cron",
            "0 3 * * *",
            "--address",
            "10.0.0.5:6379",
            "-p",
            "nowhere",
        ],
    )
    assert result.exit_code == 2
    assert "only the ray executor takes an address" in result.stderr
