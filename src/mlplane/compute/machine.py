"""What this machine offers: its CPUs, memory and GPUs (no database, cheap to import)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MachineResources:
    cpus: float
    memory_bytes: int
    gpus: int


def gpu_count() -> int:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([device for device in visible.split(",") if device.strip() not in ("", "-1")])
    return len(
        [path for path in Path("/dev").glob("nvidia*") if re.fullmatch(r"nvidia\d+", path.name)]
    )


def cpu_count() -> int:
    """CPUs this process may run on (its affinity, e.g. a container's cpuset), else all."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def memory_bytes() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not a POSIX system that says
        import psutil

        return int(psutil.virtual_memory().total)


def machine_resources() -> MachineResources:
    return MachineResources(cpus=float(cpu_count()), memory_bytes=memory_bytes(), gpus=gpu_count())
