"""Steps and pipelines the tests run; a module of its own so worker processes import it fast."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mlplane.pipelines.dsl import pipeline, step


@step
def numbers(count: int) -> list[int]:
    return list(range(count))


@step
def square(value: int) -> int:
    return value * value


@step
def total(values: list[int]) -> int:
    return sum(values)


@step
def scale(values: list[int], factor: int) -> list[int]:
    return [value * factor for value in values]


@step(cache=False)
def uncached_total(values: list[int]) -> int:
    return sum(values)


@step(cache=False)
def platform_of_step() -> dict[str, str]:
    return {name: os.environ.get(name, "") for name in ("MLPLANE_HOME", "MLPLANE_PROJECT")}


@pipeline
def where_steps_run() -> dict[str, str]:
    return platform_of_step()


@pipeline
def fan_out(count: int = 4) -> int:
    return total(square.map(numbers(count)))


@pipeline
def branches(count: int = 3, factor: int = 10) -> dict[str, int]:
    base = numbers(count)
    return {"doubled": total(scale(base, 2)), "scaled": total(scale(base, factor))}


@pipeline
def without_cache(count: int = 3) -> int:
    return uncached_total(numbers(count))


@step(retries=2)
def flaky(counter: str, failures: int) -> int:
    """Fails `failures` times (counted in a file, as attempts run in other processes)."""
    path = Path(counter)
    attempts = int(path.read_text()) if path.exists() else 0
    path.write_text(str(attempts + 1))
    if attempts < failures:
        raise RuntimeError(f"attempt {attempts + 1} fails")
    return attempts + 1


@pipeline
def retrying(counter: str = "", failures: int = 1) -> int:
    return flaky(counter, failures)


@step(timeout=0.5, cache=False)
def slow() -> str:
    time.sleep(30)
    return "finished"


@pipeline
def timing_out() -> str:
    return slow()


@step
def fail_unless(path: str, values: list[int]) -> int:
    if not Path(path).exists():
        raise ValueError(f"{path} is missing")
    return sum(values)


@step
def counted(counter: str, count: int) -> list[int]:
    path = Path(counter)
    path.write_text(str(int(path.read_text()) + 1 if path.exists() else 1))
    return list(range(count))


@pipeline
def resumable(counter: str = "", flag: str = "", count: int = 3) -> int:
    return fail_unless(flag, counted(counter, count))


@pipeline
def from_event(dataset: str = "", version: int = 0) -> str:
    return label(dataset, version)


@step(cache=False)
def label(dataset: str, version: int) -> str:
    return f"{dataset}@{version}"


@step(cache=False)
def wait_for(path: str) -> int:
    """Holds its run open until `path` exists, so a test can watch a running pipeline."""
    deadline = time.monotonic() + 60
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return 1


@pipeline
def gated(flag: str = "") -> int:
    return total([wait_for(flag), square(3)])
