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


def test_tokens_create_application_token_with_scope_and_rate_limit(
    client: mlplane.Client, home: Path
) -> None:
    code, out, _ = _mlplane(
        home, "-o", "json", "tokens", "create", "app-x",
        "--scope", "deployment:churn", "--rate-limit", "600/m", "--burst", "30",
    )  # fmt: skip

    assert code == 0, out
    created = json.loads(out)
    assert created["scopes"] == ["deployment:churn"]
    assert created["rate_limit"] == {"per_second": 10.0, "burst": 30}


def test_tokens_create_with_a_bad_rate_exits_2_naming_the_option(
    client: mlplane.Client, home: Path
) -> None:
    code, _, err = _mlplane(home, "tokens", "create", "app-x", "--rate-limit", "fast")

    assert code == 2
    assert "--rate-limit" in err
    assert [token.name for token in client.tokens.list()] == ["bootstrap"]


def test_tokens_create_with_a_bad_scope_exits_1_with_the_grammar(
    client: mlplane.Client, home: Path
) -> None:
    code, _, err = _mlplane(home, "tokens", "create", "app-x", "--scope", "model:churn")

    assert code == 1
    assert "deployment:<name>" in err
