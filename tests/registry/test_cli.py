from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app
from mlplane.tracking.schemas import Run

runner = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout + result.stderr


def test_register_list_and_versions(
    client: mlplane.Client, home: Path, project: str, run: Run
) -> None:
    code, out = _mlplane(
        home, "models", "register", "fraud", f"runs:/{run.id}/model", "-p", project,
        "--tag", "kind=test", "-o", "json",
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["version"] == 1
    code, out = _mlplane(home, "models", "list", "-p", project, "-o", "json")
    assert [model["name"] for model in json.loads(out)] == ["fraud"]
    code, out = _mlplane(home, "models", "versions", "fraud", "-p", project)
    assert code == 0
    assert "READY" in out


def test_register_local_folder_and_download(
    client: mlplane.Client, home: Path, project: str, tmp_path: Path
) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"w")
    code, out = _mlplane(home, "models", "register", "fraud", str(folder), "-p", project)
    assert code == 0, out
    code, out = _mlplane(
        home, "models", "download", "models:/fraud/1", str(tmp_path / "out"), "-p", project
    )
    assert code == 0, out
    assert (tmp_path / "out" / "weights.bin").read_bytes() == b"w"


def test_alias_protect_request_and_approve(
    client: mlplane.Client, home: Path, project: str, run: Run
) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    assert _mlplane(home, "models", "alias", "fraud", "champion", "1", "-p", project)[0] == 0
    code, out = _mlplane(home, "models", "get", "fraud", "-p", project, "-o", "json")
    assert json.loads(out)["aliases"] == {"champion": 1}
    assert _mlplane(home, "models", "protect", "production", "-p", project)[0] == 0
    code, out = _mlplane(home, "models", "alias", "fraud", "production", "1", "-p", project)
    assert code != 0
    assert "protected" in out
    code, out = _mlplane(
        home, "models", "alias", "fraud", "production", "1", "--request", "-p", project,
        "-o", "json",
    )  # fmt: skip
    request_id = json.loads(out)["id"]
    code, out = _mlplane(home, "models", "approve", "-p", project, "-o", "json")
    assert [item["id"] for item in json.loads(out)] == [request_id]
    code, out = _mlplane(home, "models", "approve", request_id, "-p", project, "-o", "json")
    assert json.loads(out)["state"] == "approved"
    code, out = _mlplane(
        home, "models", "alias", "fraud", "production", "-p", project, "-o", "json"
    )
    assert json.loads(out)["version"] == 1
