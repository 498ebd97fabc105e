from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mlplane.cli.main import app

runner = CliRunner()


def _mlplane(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys; from mlplane.cli.main import main; sys.argv=['mlplane','--help'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith(('mlplane.catalog', "
        "'mlplane.server', 'sqlalchemy', 'fastapi'))))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout

    for command in ("up", "projects", "users", "tokens", "audit", "status"):
        assert f"  {command} " in output
    assert "LOADED []" in output


def test_create_project_prints_json(home: Path) -> None:
    code, out, _ = _mlplane(
        home, "-o", "json", "projects", "create", "cli-made", "-d", "from the CLI"
    )

    assert code == 0
    assert json.loads(out)["description"] == "from the CLI"


def test_list_projects_prints_a_table(home: Path) -> None:
    _mlplane(home, "projects", "create", "tabled")

    code, out, _ = _mlplane(home, "projects", "list")

    assert code == 0
    assert "tabled" in out
    assert "owner" in out


def test_get_missing_project_exits_1_with_the_reason(home: Path) -> None:
    code, _, err = _mlplane(home, "projects", "get", "ghost")

    assert code == 1
    assert "project 'ghost' does not exist" in err


def test_create_token_prints_secret_once(home: Path) -> None:
    code, out, _ = _mlplane(home, "tokens", "create", "laptop")

    assert code == 0
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("mlp_")
    _, listing, _ = _mlplane(home, "-o", "json", "tokens", "list")
    assert secret not in listing
    assert "laptop" in listing


def test_list_audit_filters_by_action(home: Path) -> None:
    _mlplane(home, "projects", "create", "a1")
    _mlplane(home, "users", "create", "zoe")

    code, out, _ = _mlplane(home, "-o", "json", "audit", "list", "--action", "create_user")

    assert code == 0
    assert [event["action"] for event in json.loads(out)] == ["create_user"]


def test_update_member_then_list(home: Path) -> None:
    _mlplane(home, "projects", "create", "team")
    _mlplane(home, "users", "create", "yan")

    _mlplane(home, "projects", "members", "update", "team", "yan", "--role", "editor")
    code, out, _ = _mlplane(home, "-o", "json", "projects", "members", "list", "team")

    assert code == 0
    assert {"user": "yan", "role": "editor"}.items() <= json.loads(out)[1].items()
