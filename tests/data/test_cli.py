from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app

runner = CliRunner()


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(client: mlplane.Client, project: str, home: Path) -> Cli:
    """`mlplane --home HOME ...` in this process: (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, ["--home", str(home), *args])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_push_versions_show_and_pull_a_folder(
    run: Cli, project: str, folder: Path, tmp_path: Path
) -> None:

    code, _, err = run("data", "push", str(folder), "images", "-p", project, "-m", "first")
    (folder / "extra.txt").write_text("one more\n")
    run("data", "push", str(folder), "images", "-p", project)
    _, versions, _ = run("-o", "json", "data", "versions", "images", "-p", project)
    _, shown, _ = run("data", "show", "images@1", "-p", project)
    pulled_code, _, _ = run("data", "pull", "images@1", str(tmp_path / "out"), "-p", project)

    assert code == 0
    assert "Created images@1" in err
    assert [v["number"] for v in json.loads(versions)] == [2, 1]
    assert "first" in shown
    assert pulled_code == 0
    assert len(list((tmp_path / "out").rglob("*.txt"))) == 30


def test_push_unchanged_says_so(run: Cli, project: str, folder: Path) -> None:
    run("data", "push", str(folder), "images", "-p", project)

    code, _, err = run("data", "push", str(folder), "images", "-p", project)

    assert code == 0
    assert "Unchanged" in err


def test_ingest_check_and_diff_a_table(run: Cli, project: str, tmp_path: Path) -> None:
    source = tmp_path / "prices.csv"
    source.write_text("sku,price\na,1\nb,2\n")
    run("data", "ingest", "prices", "-p", project, "--file", str(source))
    check = '{"name": "cheap", "kind": "range", "column": "price", "max": 2}'
    run("data", "checks", "add", "prices", check, "-p", project)
    source.write_text("sku,price\na,1\nb,3\nc,4\n")

    code, _, err = run("data", "ingest", "prices", "-p", project, "--file", str(source))
    _, diff, _ = run(
        "-o", "json", "data", "diff", "prices", "1", "2", "-p", project, "--key", "sku"
    )
    run_code, checks, _ = run("data", "checks", "run", "prices@2", "-p", project)

    assert code == 0
    assert "failed" in err
    assert json.loads(diff)["table"]["rows_changed"]["count"] == 1
    assert run_code == 1
    assert "cheap" in checks


def test_ingest_malformed_csv_exits_1_with_lines(run: Cli, project: str, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("a,b\n1,2\n3,4,5\n")

    code, _, err = run("data", "ingest", "bad", "-p", project, "--file", str(source))

    assert code == 1
    assert f"{source}:3: too many columns" in err


def test_sql_prints_table_csv_and_writes_parquet(
    run: Cli, project: str, client: mlplane.Client, tmp_path: Path
) -> None:
    client.sql.create_query("answer", "SELECT 42 AS answer", project=project)

    table_code, table, _ = run("sql", "SELECT 1 AS one, 'x' AS letter", "-p", project)
    _, csv_text, _ = run("sql", "SELECT 1 AS one", "-p", project, "--format", "csv")
    _, saved, _ = run("sql", "--saved", "answer", "-p", project)
    out = tmp_path / "result.parquet"
    parquet_code, _, _ = run(
        "sql", "SELECT 1 AS one", "-p", project, "-f", "parquet", "--out", str(out)
    )

    assert table_code == 0
    assert "letter" in table
    assert csv_text.splitlines() == ["one", "1"]
    assert "42" in saved
    assert parquet_code == 0
    assert out.read_bytes()[:4] == b"PAR1"


def test_sql_refusal_exits_1_with_the_reason(run: Cli, project: str) -> None:

    code, _, err = run("sql", "COPY (SELECT 1) TO 'x.csv'", "-p", project)

    assert code == 1
    assert "only SELECT" in err
