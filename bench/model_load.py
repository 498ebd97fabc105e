"""Loading a scikit-learn model: `mlplane.models.load_model` against plain `joblib.load`.

Target: `load_model` no slower than `joblib.load` + 10% (ratio ≤ 1.10). `load_model` does
more: it reads the manifest, checks every file's SHA-256 and size, verifies the home's HMAC
over the manifest (the pickle opt-in), then deserializes the checked bytes. The same fitted
model is written once by `save_model` (a protocol-5 pickle in a model folder) and once by
`joblib.dump`; the two loads alternate, from the page cache (each runs once before timing).

Models: a logistic regression (a few KB), a random forest of 100 trees on 20,000 rows
(tens of MB), and a 300-tree forest (about four times larger).

Usage: python bench/model_load.py [--runs N]
Writes bench/results/model_load.json and model_load.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np

from mlplane.models import load_model, save_model

RESULTS = Path(__file__).parent / "results"
TARGET_RATIO = 1.10


def _models() -> dict[str, Any]:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    generator = np.random.default_rng(0)
    features = generator.normal(size=(20_000, 20))
    labels = (features[:, 0] + generator.normal(scale=0.5, size=20_000) > 0).astype(int)
    return {
        "logistic regression": LogisticRegression(max_iter=500).fit(features, labels),
        "random forest, 100 trees": RandomForestClassifier(
            n_estimators=100, random_state=0, n_jobs=1
        ).fit(features, labels),
        "random forest, 300 trees": RandomForestClassifier(
            n_estimators=300, random_state=0, n_jobs=1
        ).fit(features, labels),
    }


def _timed(load: Callable[[], Any]) -> float:
    started = time.perf_counter()
    load()
    return time.perf_counter() - started


def measure(model: Any, folder: Path, runs: int) -> dict[str, Any]:
    save_model(model, folder)
    model_file = folder.with_suffix(".joblib")
    joblib.dump(model, model_file)
    load_model(folder)
    joblib.load(model_file)
    mlplane_samples, joblib_samples = [], []
    for _ in range(runs):
        mlplane_samples.append(_timed(lambda: load_model(folder)))
        joblib_samples.append(_timed(lambda: joblib.load(model_file)))
    mlplane_median = statistics.median(mlplane_samples)
    joblib_median = statistics.median(joblib_samples)
    return {
        "size_bytes": (folder / "model.pkl").stat().st_size,
        "joblib_size_bytes": model_file.stat().st_size,
        "mlplane": mlplane_samples,
        "joblib": joblib_samples,
        "mlplane_median": mlplane_median,
        "joblib_median": joblib_median,
        "ratio": mlplane_median / joblib_median,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    rows = [
        "| model | file size (MB) | mlplane load_model (ms) | joblib.load (ms) | ratio | "
        "target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    report = {}
    with tempfile.TemporaryDirectory(prefix="mlplane-bench-models-") as root:
        os.environ.setdefault("MLPLANE_HOME", str(Path(root) / "home"))
        for index, (name, model) in enumerate(_models().items()):
            result = measure(model, Path(root) / f"model-{index}", args.runs)
            report[name] = result
            rows.append(
                f"| {name} | {result['size_bytes'] / 1e6:.2f} | "
                f"{result['mlplane_median'] * 1000:.2f} | {result['joblib_median'] * 1000:.2f} | "
                f"{result['ratio']:.2f} | ≤ {TARGET_RATIO:.2f} | "
                f"{'yes' if result['ratio'] <= TARGET_RATIO else 'no'} |"
            )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(rows)
    print(f"Model load ({machine}, median of {args.runs} alternating loads)\n\n{table}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "model_load.json").write_text(
        json.dumps({"machine": machine, "results": report}, indent=2)
    )
    (RESULTS / "model_load.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
