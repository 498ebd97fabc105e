"""Dataset versioning against DVC, and SQL through mlplane against raw DuckDB.

1. A folder of 10,000 small files: version it (target under 10 s), then version it again
   with one file changed (target under 1 s); DVC does the same (`dvc add` + `git commit` in
   a temporary git repository), from its own virtual environment.
2. SQL on a 10-million-row Parquet file: the same queries through mlplane (the file pushed
   as a dataset version, queried through the SDK) and through raw DuckDB on the file;
   target: mlplane within 10 % of DuckDB.

Usage: python bench/data/bench_versioning.py [--files N] [--rows N] [--runs N] [--skip-dvc]
[--sql-only]. Each SQL query alternates mlplane and DuckDB `--runs` times and keeps the
medians. Writes bench/data/results/versioning.json and versioning.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peers import peer_environment

import mlplane

RESULTS = Path(__file__).parent / "results"
DVC_PACKAGES = ["dvc>=3"]
QUERIES = {
    "group by category": (
        "SELECT category, count(*) AS n, sum(amount) AS total, avg(amount) AS mean "
        "FROM {table} GROUP BY category ORDER BY category"
    ),
    "filtered count": "SELECT count(*) FROM {table} WHERE amount > 50 AND flag",
    "top 10 by amount": "SELECT id, amount FROM {table} ORDER BY amount DESC LIMIT 10",
    "distinct users per day": (
        "SELECT day, count(DISTINCT user_id) AS users FROM {table} GROUP BY day ORDER BY day"
    ),
    # Answered from the Parquet footer: what is left is the fixed cost of a query.
    "count(*)": "SELECT count(*) FROM {table}",
}


def make_folder(root: Path, count: int) -> Path:
    generator = np.random.default_rng(0)
    for index in range(count):
        path = root / f"shard-{index % 100:02d}" / f"file-{index:05d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generator.bytes(int(generator.integers(200, 2000))))
    return root


def change_one_file(root: Path) -> None:
    target = root / "shard-42" / "file-00042.bin"
    target.write_bytes(target.read_bytes() + b"one more line\n")


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_mlplane_folder(folder: Path, workdir: Path) -> dict[str, float]:
    home = workdir / "mlplane-home"
    with mlplane.Client(home=home) as client:
        client.projects.create("bench")

        def push() -> None:
            client.datasets.push(folder, "files", project="bench")

        first = timed(push)
        unchanged = timed(push)
        change_one_file(folder)
        one_changed = timed(push)
        versions = client.datasets.get("files", project="bench").version_count
    assert versions == 2, versions
    return {"first": first, "unchanged": unchanged, "one_changed": one_changed}


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)


def bench_dvc_folder(bin_folder: Path, source: Path, workdir: Path) -> dict[str, float]:
    repo = workdir / "dvc-repo"
    repo.mkdir()
    data = repo / "data"
    shutil.copytree(source, data)
    env = {
        **os.environ,
        "DVC_NO_ANALYTICS": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    dvc = str(bin_folder / "dvc")
    _run(["git", "init", "-q"], repo, env)
    _run([dvc, "init", "-q"], repo, env)
    _run(["git", "commit", "-qm", "init"], repo, env)

    def add_and_commit(message: str) -> None:
        _run([dvc, "add", "-q", "data"], repo, env)
        _run(["git", "add", "data.dvc", ".gitignore"], repo, env)
        _run(["git", "commit", "-qm", message, "--allow-empty"], repo, env)

    first = timed(lambda: add_and_commit("v1"))
    unchanged = timed(lambda: add_and_commit("v1 again"))
    change_one_file(data)
    one_changed = timed(lambda: add_and_commit("v2"))
    return {"first": first, "unchanged": unchanged, "one_changed": one_changed}


def make_parquet(path: Path, rows: int) -> Path:
    generator = np.random.default_rng(1)
    days = np.datetime64("2026-01-01") + generator.integers(0, 90, rows).astype("timedelta64[D]")
    table = pa.table(
        {
            "id": np.arange(rows, dtype=np.int64),
            "user_id": generator.integers(0, 200_000, rows),
            "category": pa.array(
                np.array([f"cat-{i:02d}" for i in range(40)])[generator.integers(0, 40, rows)]
            ),
            "amount": np.round(generator.gamma(2.0, 30.0, rows), 2),
            "flag": generator.random(rows) < 0.3,
            "day": days,
        }
    )
    pq.write_table(table, path, row_group_size=1_000_000)
    return path


def bench_sql(parquet: Path, workdir: Path, runs: int) -> tuple[float, list[dict[str, Any]]]:
    home = workdir / "mlplane-sql-home"
    results = []
    with mlplane.Client(home=home) as client:
        client.projects.create("bench")
        push_seconds = timed(lambda: client.datasets.push(parquet, "events", project="bench"))
        raw = duckdb.connect()
        for name, template in QUERIES.items():
            through_mlplane = template.format(table="events@1")
            direct = template.format(table=f"read_parquet('{parquet}')")
            # One warm-up each, so both read the file from the page cache.
            expected = raw.sql(direct).fetchall()
            answered = client.sql.run(through_mlplane, project="bench").rows
            assert len(answered) == len(expected), name
            mlplane_times, duckdb_times = [], []
            for _ in range(runs):
                mlplane_times.append(
                    timed(lambda q=through_mlplane: client.sql.run(q, project="bench"))
                )
                duckdb_times.append(timed(lambda q=direct: raw.sql(q).fetchall()))
            mlplane_median = statistics.median(mlplane_times)
            duckdb_median = statistics.median(duckdb_times)
            results.append(
                {
                    "query": name,
                    "mlplane_s": mlplane_median,
                    "duckdb_s": duckdb_median,
                    "ratio": mlplane_median / duckdb_median,
                    "ratio_of_fastest": min(mlplane_times) / min(duckdb_times),
                    "mlplane_samples": mlplane_times,
                    "duckdb_samples": duckdb_times,
                }
            )
        raw.close()
    return push_seconds, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-dvc", action="store_true")
    parser.add_argument("--sql-only", action="store_true", help="Skip the folder of files.")
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report: dict[str, Any] = {"machine": machine, "files": args.files, "rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="mlplane-bench-data-") as temporary:
        workdir = Path(temporary)
        report["mlplane_folder"] = report["dvc_folder"] = None
        if not args.sql_only:
            folder = make_folder(workdir / "source", args.files)
            dvc_folder = workdir / "dvc-source"
            shutil.copytree(folder, dvc_folder)
            report["mlplane_folder"] = bench_mlplane_folder(folder, workdir)
        if not args.skip_dvc and not args.sql_only:
            try:
                bin_folder = peer_environment("dvc", DVC_PACKAGES)
                report["dvc_folder"] = bench_dvc_folder(bin_folder, dvc_folder, workdir)
            except (subprocess.CalledProcessError, OSError) as error:
                report["dvc_error"] = str(error)
        parquet = make_parquet(workdir / "events.parquet", args.rows)
        report["push_parquet_s"], report["sql"] = bench_sql(parquet, workdir, args.runs)
    table = markdown(report)
    print(f"Data versioning and SQL ({machine})\n\n{table}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "versioning.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "versioning.md").write_text(table + "\n")


def markdown(report: dict[str, Any]) -> str:
    ours, dvc = report["mlplane_folder"], report["dvc_folder"]
    files = report["files"]
    rows = [
        "| what | mlplane (s) | peer (s) | mlplane / peer | target | met |",
        "|---|---|---|---|---|---|",
    ]
    folder_rows = (
        ("first", f"version {files:,} files", 10.0),
        ("unchanged", "version again, nothing changed", None),
        ("one_changed", "version again, one file changed", 1.0),
    )
    for key, label, target in folder_rows if ours else ():
        peer = f"{dvc[key]:.2f} (DVC)" if dvc else "n/a"
        ratio = f"{ours[key] / dvc[key]:.2f}" if dvc else "n/a"
        goal = f"< {target:g} s" if target else ""
        met = ("yes" if ours[key] < target else "no") if target else ""
        rows.append(f"| {label} | {ours[key]:.2f} | {peer} | {ratio} | {goal} | {met} |")
    rows.append(
        f"| push a {report['rows']:,}-row Parquet file (profile included) | "
        f"{report['push_parquet_s']:.2f} | | | | |"
    )
    for query in report["sql"]:
        if query["query"] == "count(*)":
            overhead_ms = (query["mlplane_s"] - query["duckdb_s"]) * 1000
            rows.append(
                f"| SQL, count(*) from the footer: the fixed cost | {query['mlplane_s']:.4f} | "
                f"{query['duckdb_s']:.4f} (DuckDB) | +{overhead_ms:.1f} ms | | |"
            )
            continue
        rows.append(
            f"| SQL, {query['query']} ({report['rows']:,} rows) | {query['mlplane_s']:.3f} | "
            f"{query['duckdb_s']:.3f} (DuckDB) | {query['ratio']:.2f} | ≤ 1.10 | "
            f"{'yes' if query['ratio'] <= 1.10 else 'no'} |"
        )
    if report.get("dvc_error"):
        rows.append(f"\nDVC could not run: {report['dvc_error']}")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
