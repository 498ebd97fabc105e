"""Steps that declare resources, for the local executor's resource tests."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from mlplane.pipelines.dsl import pipeline, step


def _hold(folder: str, wanted: int) -> int:
    """Mark this step running in `folder` and wait to see `wanted` steps running at once.

    Returns the most steps seen running together; it gives up waiting after a while, so
    a limit that holds shows as a smaller number rather than a hang.
    """
    marker = Path(folder) / uuid.uuid4().hex
    marker.touch()
    most = 0
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            most = max(most, len(list(Path(folder).iterdir())))
            if most >= wanted:
                break
            time.sleep(0.02)
        time.sleep(0.3)
        return max(most, len(list(Path(folder).iterdir())))
    finally:
        marker.unlink()


@step(cache=False, resources={"cpu": 1})
def one_cpu(item: int, folder: str, wanted: int) -> int:
    return _hold(folder, wanted)


@step(cache=False, resources={"cpu": 0.5})
def half_cpu(item: int, folder: str, wanted: int) -> int:
    return _hold(folder, wanted)


@pipeline
def whole_cpus(folder: str = "", width: int = 4) -> list[int]:
    return one_cpu.map(list(range(width)), folder=folder, wanted=width)


@pipeline
def half_cpus(folder: str = "", width: int = 4) -> list[int]:
    return half_cpu.map(list(range(width)), folder=folder, wanted=width)


@step(cache=False, resources={"memory": "100Mi"})
def greedy(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    for offset in range(0, len(block), 4096):
        block[offset] = 1  # touch every page so it is resident
    time.sleep(10)
    return len(block)


@pipeline
def over_memory(megabytes: int = 300) -> int:
    return greedy(megabytes)


@step(cache=False, resources={"cpu": 100000})
def enormous() -> int:
    return 1


@pipeline
def too_many_cpus() -> int:
    return enormous()


@step(cache=False, resources={"memory": "1000Ti"})
def forgetful() -> int:
    return 1


@pipeline
def too_much_memory() -> int:
    return forgetful()


@step(cache=False, resources={"cpu": "lots"})
def vague() -> int:
    return 1


@pipeline
def bad_resources() -> int:
    return vague()


@step(cache=False, resources={"gpu": 1})
def visible_gpus() -> str:
    return os.environ.get("CUDA_VISIBLE_DEVICES", "")


@step(cache=False)
def gpus_after(previous: str) -> str | None:
    return os.environ.get("CUDA_VISIBLE_DEVICES")


@pipeline
def on_a_gpu() -> list[str | None]:
    given = visible_gpus()
    return [given, gpus_after(given)]
