from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mlplane.cli.main import app

runner = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout, result.stderr


def test_serve_add_list_remove(home: Path, columns_model: str) -> None:
    _mlplane(home, "projects", "create", "shop")
    code, out, _ = _mlplane(
        home, "-o", "json", "serve", "add", "churn", columns_model, "-p", "shop",
        "--max-batch-size", "8",
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["max_batch_size"] == 8
    code, out, _ = _mlplane(home, "-o", "json", "serve", "list", "-p", "shop")
    assert [(m["name"], m["version"]) for m in json.loads(out)] == [("churn", "1")]
    code, _, _ = _mlplane(home, "serve", "remove", "churn", "-p", "shop")
    assert code == 0
    _, out, _ = _mlplane(home, "-o", "json", "serve", "list", "-p", "shop")
    assert json.loads(out) == []


def test_serve_add_relative_path_exits_1_with_the_reason(home: Path) -> None:
    _mlplane(home, "projects", "create", "shop")
    code, _, err = _mlplane(home, "serve", "add", "churn", "models/churn", "-p", "shop")
    assert code == 1
    assert "absolute path" in err
