"""Serving a scikit-learn classifier: the mlplane gateway against BentoML and `mlflow models
serve`, and the gateway's overhead over calling the model in-process.

Each server runs the same logistic regression on 4 features (fitted from the same seeded
data in each server's own environment) on 127.0.0.1, each with its defaults for one worker
process. Measured from one client process:

- single-row latency at low load: sequential requests, one at a time (p50, p99);
- throughput with 32 concurrent clients (threads, each with its own keep-alive connection),
  single-row requests, for a fixed duration;
- the gateway's overhead: its single-row p50 minus the p50 of `Predictor.predict` on the
  same row in-process (what a caller would pay without any server).

mlplane is called over the Open Inference Protocol (JSON), mlflow on `/invocations` with
`dataframe_split`, BentoML on an `@bentoml.api` taking a list of rows. Peers are installed
into their own virtual environments (bench/peers.py); a peer that cannot be installed or
started is reported as missing.

Usage: python bench/serving.py [--requests N] [--seconds S] [--clients C]
Writes bench/results/serving.json and serving.md.
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
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from peers import peer_environment
from servers import free_port

RESULTS = Path(__file__).parent / "results"
ROW = [0.3, -1.2, 0.8, 0.05]
COLUMNS = ["f0", "f1", "f2", "f3"]
FIT = """
import numpy as np
from sklearn.linear_model import LogisticRegression
generator = np.random.default_rng(0)
features = generator.normal(size=(2000, 4))
labels = (features[:, 0] - features[:, 1] > 0).astype(int)
model = LogisticRegression().fit(features, labels)
"""

Send = Callable[[httpx.Client], None]


def _fit() -> Any:
    scope: dict[str, Any] = {}
    exec(FIT, scope)
    return scope["model"]


def _wait(url: str, timeout: float = 180.0, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2, headers=headers).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f}s")


@contextmanager
def _process(
    command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def latency(base_url: str, send: Send, requests: int) -> dict[str, float]:
    samples = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(20):
            send(client)
        for _ in range(requests):
            started = time.perf_counter()
            send(client)
            samples.append(time.perf_counter() - started)
    samples.sort()
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": samples[int(len(samples) * 0.99) - 1] * 1000,
    }


def throughput(base_url: str, send: Send, clients: int, seconds: float) -> float:
    counts = [0] * clients
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def work(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            send(client)
            start.wait()
            try:
                while time.perf_counter() < deadline[0]:
                    send(client)
                    counts[index] += 1
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds + 0.05
    begun = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[0]!r}")
    return sum(counts) / (time.perf_counter() - begun)


def _checked(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.text[:200]}")


def measure(base_url: str, send: Send, args: argparse.Namespace) -> dict[str, float]:
    result = latency(base_url, send, args.requests)
    result["throughput_rps"] = throughput(base_url, send, args.clients, args.seconds)
    return result


def bench_mlplane(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    from mlplane.client.client import Client
    from mlplane.registry.packaging import load_model, save_model

    folder = root / "mlplane-model"
    home = root / "mlplane-home"
    os.environ["MLPLANE_HOME"] = str(home)
    save_model(_fit(), folder, input_example=np.array([ROW]))
    port, gateway_port = free_port(), free_port()
    command = [sys.executable, "-m", "mlplane", "--home", str(home), "up"]
    command += ["--port", str(port), "--gateway-port", str(gateway_port)]
    with _process(command, root, root / "mlplane.log"):
        _wait(f"http://127.0.0.1:{port}/api/v1/health")
        token = (home / "admin.token").read_text().strip()
        with Client(url=f"http://127.0.0.1:{port}", token=token) as admin:
            admin.projects.create("bench")
            admin.serving.add("classifier", str(folder), project="bench", max_wait_ms=1)
        headers = {"Authorization": f"Bearer {token}"}
        gateway = f"http://127.0.0.1:{gateway_port}"
        _wait(f"{gateway}/v2/models/classifier/ready", headers=headers)
        body = {"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 4], "data": ROW}]}

        def send(client: httpx.Client) -> None:
            _checked(client.post("/v2/models/classifier/infer", json=body, headers=headers))

        result = measure(gateway, send, args)
    predictor = load_model(folder)
    row = np.array([ROW])
    for _ in range(50):
        predictor.predict(row)
    samples = []
    for _ in range(args.requests):
        started = time.perf_counter()
        predictor.predict(row)
        samples.append(time.perf_counter() - started)
    result["in_process_p50_ms"] = statistics.median(samples) * 1000
    result["overhead_p50_ms"] = result["p50_ms"] - result["in_process_p50_ms"]
    return result


def bench_mlflow(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    bin_folder = peer_environment("mlflow", ["mlflow==3.*"])
    folder = root / "mlflow-model"
    script = FIT + f"import mlflow.sklearn\nmlflow.sklearn.save_model(model, {str(folder)!r})\n"
    subprocess.run([str(bin_folder / "python"), "-c", script], check=True, cwd=root)
    port = free_port()
    mlflow = [str(bin_folder / "python"), "-m", "mlflow"]
    command = [*mlflow, "models", "serve", "-m", str(folder)]
    command += ["-h", "127.0.0.1", "-p", str(port), "--env-manager", "local"]
    body = {"dataframe_split": {"columns": COLUMNS, "data": [ROW]}}
    # `mlflow models serve` execs `uvicorn` from PATH; call the venv's through its python,
    # so a relocated venv (whose console scripts name a stale interpreter) still works.
    shims = root / "mlflow-shims"
    shims.mkdir()
    (shims / "uvicorn").write_text(f'#!/bin/sh\nexec "{bin_folder / "python"}" -m uvicorn "$@"\n')
    (shims / "uvicorn").chmod(0o755)
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}"}
    with _process(command, root, root / "mlflow.log", env):
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/ping")

        def send(client: httpx.Client) -> None:
            _checked(client.post("/invocations", json=body))

        return measure(base, send, args)


BENTO_SERVICE = """
import bentoml
{fit}

@bentoml.service
class Classifier:
    def __init__(self) -> None:
        self.model = model

    @bentoml.api
    def predict(self, instances: list[list[float]]) -> list[int]:
        return self.model.predict(np.asarray(instances)).tolist()
"""


def bench_bentoml(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    bin_folder = peer_environment("bentoml", ["bentoml>=1.3", "scikit-learn"])
    service = root / "bento"
    service.mkdir()
    (service / "service.py").write_text(BENTO_SERVICE.format(fit=textwrap.dedent(FIT)))
    port = free_port()
    bentoml = [str(bin_folder / "python"), "-m", "bentoml"]
    command = [*bentoml, "serve", "service:Classifier", "--port", str(port)]
    body = {"instances": [ROW]}
    with _process(command, service, root / "bentoml.log"):
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/readyz")

        def send(client: httpx.Client) -> None:
            _checked(client.post("/predict", json=body))

        return measure(base, send, args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    missing: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mlplane-bench-serving-") as folder:
        root = Path(folder)
        for name, run in (
            ("mlplane", bench_mlplane),
            ("mlflow models serve", bench_mlflow),
            ("bentoml", bench_bentoml),
        ):
            try:
                results[name] = run(root, args)
            except Exception as error:
                missing[name] = f"{type(error).__name__}: {error}"
                print(f"{name}: not measured ({missing[name]})", file=sys.stderr)
    ours = results["mlplane"]
    rows = [
        "| server | single-row p50 (ms) | p99 (ms) | "
        f"throughput, {args.clients} clients (req/s) | p50 vs mlplane | throughput vs mlplane |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        result["p50_ratio"] = result["p50_ms"] / ours["p50_ms"]
        result["throughput_ratio"] = result["throughput_rps"] / ours["throughput_rps"]
        rows.append(
            f"| {name} | {result['p50_ms']:.2f} | {result['p99_ms']:.2f} | "
            f"{result['throughput_rps']:.0f} | {result['p50_ratio']:.2f} | "
            f"{result['throughput_ratio']:.2f} |"
        )
    for name, reason in missing.items():
        rows.append(f"| {name} | not measured: {reason} | | | | |")
    overhead = (
        f"Gateway overhead: single-row p50 {ours['p50_ms']:.2f} ms over HTTP against "
        f"{ours['in_process_p50_ms']:.3f} ms for `Predictor.predict` in-process "
        f"(+{ours['overhead_p50_ms']:.2f} ms)."
    )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(rows)
    print(f"Serving ({machine})\n\n{table}\n\n{overhead}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serving.json").write_text(
        json.dumps(
            {"machine": machine, "settings": vars(args), "results": results, "missing": missing},
            indent=2,
        )
    )
    (RESULTS / "serving.md").write_text(f"{table}\n\n{overhead}\n")


if __name__ == "__main__":
    main()
