"""What this machine offers a local pool: its CPUs, memory and GPUs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import psutil

from mlplane.compute.schemas import ResourceAmounts


def _gpu_count() -> int:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([device for device in visible.split(",") if device.strip() not in ("", "-1")])
    return len(
        [path for path in Path("/dev").glob("nvidia*") if re.fullmatch(r"nvidia\d+", path.name)]
    )


def machine_capacity() -> ResourceAmounts:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return ResourceAmounts(
        cpus=float(cpus), memory_bytes=psutil.virtual_memory().total, gpus=_gpu_count()
    )
