"""What this machine offers a local pool: its CPUs, memory and GPUs."""

from __future__ import annotations

from mlplane.compute.machine import machine_resources
from mlplane.compute.schemas import ResourceAmounts


def machine_capacity() -> ResourceAmounts:
    machine = machine_resources()
    return ResourceAmounts(cpus=machine.cpus, memory_bytes=machine.memory_bytes, gpus=machine.gpus)
