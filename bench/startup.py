"""How fast mlplane starts: `mlplane up` to a healthy API, and `mlplane --help`.

Targets: up → healthy under 2 s on a 2-core machine; --help under 0.3 s.
Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from servers import free_port

RESULTS = Path(__file__).parent / "results"


def time_up_to_healthy(fresh_home: bool) -> float:
    home = Path(tempfile.mkdtemp(prefix="mlplane-bench-"))
    if not fresh_home:
        # A home that has started once: the schema exists, the admin token is written.
        elapsed = _start_and_stop(home)
        del elapsed
    return _start_and_stop(home)


def _start_and_stop(home: Path) -> float:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "mlplane",
        "--home",
        str(home),
        "up",
        "--port",
        str(port),
        "--gateway-port",
        str(free_port()),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/health"
    try:
        while True:
            try:
                if httpx.get(url, timeout=0.5).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > 60:
                raise TimeoutError("mlplane up did not become healthy in 60 s")
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def time_help() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mlplane", "--help"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    measures = {
        "mlplane up → healthy (fresh home)": (
            [time_up_to_healthy(True) for _ in range(args.runs)],
            2.0,
        ),
        "mlplane up → healthy (existing home)": (
            [time_up_to_healthy(False) for _ in range(args.runs)],
            2.0,
        ),
        "mlplane --help": ([time_help() for _ in range(args.runs)], 0.3),
    }
    rows = [
        "| what | median (s) | min (s) | max (s) | target (s) | met |",
        "|---|---|---|---|---|---|",
    ]
    report = {}
    for name, (samples, target) in measures.items():
        median = statistics.median(samples)
        report[name] = {"samples": samples, "median": median, "target": target}
        rows.append(
            f"| {name} | {median:.3f} | {min(samples):.3f} | {max(samples):.3f} | {target} | "
            f"{'yes' if median < target else 'no'} |"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(rows)
    print(f"Startup ({machine}, {args.runs} runs each)\n\n{table}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(
        json.dumps({"machine": machine, "results": report}, indent=2)
    )
    (RESULTS / "startup.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
