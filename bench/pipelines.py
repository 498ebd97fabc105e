"""Pipelines: mlplane's local executor against Prefect 3, side by side on this machine.

Both run the same pipelines from a fresh Python process each:

  (a) a chain of 100 trivial steps, each taking the previous output: orchestration
      overhead per step = wall time of the run / 100, median over repetitions (warm: the
      repetitions run one after another in one process; each has new inputs, so nothing is
      a cache hit);
  (b) latency from a step finishing to the next step starting, measured inside the steps
      (the next step's start time minus the time the previous step returned), median;
  (c) the first run of a 2-step pipeline in a new process with no platform running
      (mlplane: recorded straight into the local home's database; Prefect: its ephemeral
      API), from interpreter start to the run's end; on an existing home and on a fresh
      one. The driver also reports its process's CPU time (user + system, workers
      included), which a busy machine inflates far less than wall time.

Targets: (a) ≤ 5 ms median per step and ≥ 10x lower than Prefect; (b) < 50 ms;
(c) < 1 s.

Prefect 3 is installed into its own virtual environment (bench/peers.py), with its
default task runner, an ephemeral API on SQLite, and logging at WARNING for both tools.

Usage: python bench/pipelines.py [--steps N] [--repeats N]
Writes bench/results/pipelines.json and pipelines.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import peer_environment

RESULTS = Path(__file__).resolve().parent / "results"
# Prefect 3.8 declares no upper bound on FastAPI but breaks on its newest releases.
PREFECT = ["prefect>=3,<4", "fastapi<0.120"]

MLPLANE_DRIVER = """
import json, statistics, sys, time
started = time.perf_counter()
import mlplane

@mlplane.step
def head(seed: int) -> dict:
    return {"end": time.time(), "gaps": []}

@mlplane.step
def link(previous: dict, seed: int) -> dict:
    start = time.time()
    return {"end": time.time(), "gaps": previous["gaps"] + [start - previous["end"]]}

@mlplane.pipeline(project="bench")
def chain(seed: int = 0, length: int = 100):
    output = head(seed)
    for _ in range(length - 1):
        output = link(output, seed)
    return output

@mlplane.pipeline(project="bench")
def tiny(seed: int = 0):
    return link(head(seed), seed)

mode, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "first":
    tiny(seed=time.time_ns())
    print(json.dumps({"first_run_s": time.perf_counter() - started}))
else:
    tiny(seed=time.time_ns())  # starts the warm workers and the in-process app
    per_step, gaps = [], []
    for _ in range(repeats):
        begin = time.perf_counter()
        output = chain(seed=time.time_ns(), length=steps)
        per_step.append((time.perf_counter() - begin) / steps)
        gaps.extend(output["gaps"])
    print(json.dumps({"per_step_s": per_step, "gap_s": statistics.median(gaps)}))
"""

PREFECT_DRIVER = """
import json, statistics, sys, time
started = time.perf_counter()
from prefect import flow, task

@task
def head(seed: int) -> dict:
    return {"end": time.time(), "gaps": []}

@task
def link(previous: dict, seed: int) -> dict:
    start = time.time()
    return {"end": time.time(), "gaps": previous["gaps"] + [start - previous["end"]]}

@flow
def chain(seed: int = 0, length: int = 100):
    output = head(seed)
    for _ in range(length - 1):
        output = link(output, seed)
    return output

@flow
def tiny(seed: int = 0):
    return link(head(seed), seed)

mode, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "first":
    tiny(seed=time.time_ns())
    print(json.dumps({"first_run_s": time.perf_counter() - started}))
else:
    tiny(seed=time.time_ns())
    per_step, gaps = [], []
    for _ in range(repeats):
        begin = time.perf_counter()
        output = chain(seed=time.time_ns(), length=steps)
        per_step.append((time.perf_counter() - begin) / steps)
        gaps.extend(output["gaps"])
    print(json.dumps({"per_step_s": per_step, "gap_s": statistics.median(gaps)}))
"""


def _drive(
    python: str, driver: Path, mode: str, steps: int, repeats: int, env: dict[str, str]
) -> dict[str, Any]:
    """The driver's JSON, with `cpu_s`: the CPU time of its process and every child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [python, str(driver), mode, str(steps), str(repeats)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{driver.name} {mode} failed:\n{done.stderr[-4000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLPLANE_", "PREFECT_"))}
    # Installed packages keep their bytecode, as on a user's machine.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def measure_mlplane(folder: Path, steps: int, repeats: int) -> dict[str, Any]:
    driver = folder / "mlplane_driver.py"
    driver.write_text(MLPLANE_DRIVER)
    home = folder / "mlplane-home"
    env = _environment(MLPLANE_HOME=str(home))
    fresh = _drive(sys.executable, driver, "first", steps, repeats, env)["first_run_s"]
    existing = [_drive(sys.executable, driver, "first", steps, repeats, env) for _ in range(3)]
    warm = _drive(sys.executable, driver, "chain", steps, repeats, env)
    warm.pop("cpu_s")
    return {
        "first_run_fresh_home_s": fresh,
        "first_run_s": statistics.median(run["first_run_s"] for run in existing),
        "first_run_cpu_s": statistics.median(run["cpu_s"] for run in existing),
        **warm,
    }


def measure_prefect(folder: Path, steps: int, repeats: int) -> dict[str, Any]:
    python = str(peer_environment("prefect3", PREFECT) / "python")
    driver = folder / "prefect_driver.py"
    driver.write_text(PREFECT_DRIVER)
    env = _environment(
        PREFECT_HOME=str(folder / "prefect-home"),
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        # Its ephemeral API starts slowly on a busy machine; the default is 20 s.
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300",
    )
    fresh = _drive(python, driver, "first", steps, repeats, env)["first_run_s"]
    existing = [_drive(python, driver, "first", steps, repeats, env) for _ in range(3)]
    warm = _drive(python, driver, "chain", steps, repeats, env)
    warm.pop("cpu_s")
    version = subprocess.run(
        [python, "-c", "import prefect; print(prefect.__version__)"],
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    return {
        "version": version,
        "first_run_fresh_home_s": fresh,
        "first_run_s": statistics.median(run["first_run_s"] for run in existing),
        "first_run_cpu_s": statistics.median(run["cpu_s"] for run in existing),
        **warm,
    }


def table(ours: dict[str, Any], peer: dict[str, Any], steps: int) -> str:
    ours_step = statistics.median(ours["per_step_s"]) * 1000
    peer_step = statistics.median(peer["per_step_s"]) * 1000
    rows = [
        (
            f"(a) overhead per step, {steps}-step chain, median (ms)",
            ours_step,
            peer_step,
            "≤ 5 and ≥ 10x",
            ours_step <= 5 and peer_step / ours_step >= 10,
        ),
        (
            "(b) dependency done → next step starts, median (ms)",
            ours["gap_s"] * 1000,
            peer["gap_s"] * 1000,
            "< 50",
            ours["gap_s"] * 1000 < 50,
        ),
        (
            "(c) first run, no platform running, existing home (s)",
            ours["first_run_s"],
            peer["first_run_s"],
            "< 1",
            ours["first_run_s"] < 1,
        ),
        (
            "(c) first run, existing home: CPU time, user + system (s)",
            ours["first_run_cpu_s"],
            peer["first_run_cpu_s"],
            "",
            None,
        ),
        (
            "(c) first run, no platform running, fresh home (s)",
            ours["first_run_fresh_home_s"],
            peer["first_run_fresh_home_s"],
            "",
            None,
        ),
    ]
    lines = [
        f"| measurement | mlplane | Prefect {peer['version']} | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, mine, theirs, target, met in rows:
        ratio = f"{theirs / mine:.1f}x" if mine else "-"
        flag = "" if met is None else ("yes" if met else "no")
        lines.append(f"| {name} | {mine:.3f} | {theirs:.3f} | {ratio} | {target} | {flag} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlplane-bench-pipelines-") as name:
        folder = Path(name)
        ours = measure_mlplane(folder, args.steps, args.repeats)
        print(f"mlplane: {json.dumps(ours)}", file=sys.stderr, flush=True)
        peer = measure_prefect(folder, args.steps, args.repeats)
        print(f"prefect: {json.dumps(peer)}", file=sys.stderr, flush=True)
    markdown = table(ours, peer, args.steps)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pipelines.json").write_text(
        json.dumps({"machine": machine, "mlplane": ours, "prefect": peer}, indent=2)
    )
    (RESULTS / "pipelines.md").write_text(markdown + "\n")
    print(f"machine: {machine}\n")
    print(markdown)


if __name__ == "__main__":
    main()
