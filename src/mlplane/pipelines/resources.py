"""What a step asks of the machine that runs it locally, and whether it can ever get it.

A step's `resources` are `cpu` (a number of CPUs, fractions allowed), `memory` (`512Mi`,
`2G` or bytes) and `gpu` (a whole number). The local executor reserves the CPUs, memory
and GPUs a step asks for while it runs, never running at once more steps than the
machine's resources hold, and treats `memory` as a limit on the worker process's resident
memory. A step that asks for nothing reserves nothing. Other keys are custom resources of
a Ray cluster; the local executor ignores them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlplane.compute.machine import MachineResources


class StepRefused(ValueError):
    """A step asks for more than the executor will ever have; the run does not start."""


@dataclass(frozen=True)
class StepRequest:
    cpus: float = 0.0
    memory_bytes: int | None = None  # also the step's memory limit
    gpus: int = 0

    @classmethod
    def of(cls, resources: dict[str, Any]) -> StepRequest:
        """The request a step's `resources` make; a ValueError names a bad value."""
        cpus = _number(resources.get("cpu", 0), "cpu")
        gpus = _number(resources.get("gpu", 0), "gpu")
        if gpus != int(gpus):
            raise ValueError(f"gpu: {gpus:g} is not a whole number of GPUs")
        memory = resources.get("memory")
        memory_bytes = None
        if memory is not None:
            # Imported here: the compute schemas cost a pipeline without memory limits nothing.
            from mlplane.compute.schemas import parse_memory

            try:
                memory_bytes = parse_memory(memory)
            except (TypeError, ValueError) as error:
                raise ValueError(f"memory: {error}") from error
            if memory_bytes == 0:
                raise ValueError("memory: a memory limit must be more than 0")
        return cls(cpus=cpus, memory_bytes=memory_bytes, gpus=int(gpus))

    def refusal(self, capacity: MachineResources) -> str | None:
        """Why this request can never run on `capacity`, or None when it can."""
        if self.cpus > capacity.cpus:
            return f"asks for {self.cpus:g} CPUs but the local executor has {capacity.cpus:g}"
        if self.memory_bytes is not None and self.memory_bytes > capacity.memory_bytes:
            return (
                f"asks for {format_bytes(self.memory_bytes)} of memory but the local "
                f"executor has {format_bytes(capacity.memory_bytes)}"
            )
        if self.gpus > capacity.gpus:
            return f"asks for {self.gpus} GPUs but the local executor has {capacity.gpus}"
        return None


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key}: {value!r} is not a number")
    try:
        number = float(value)
    except ValueError as error:
        raise ValueError(f"{key}: {value!r} is not a number") from error
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{key}: {value!r} must be a number ≥ 0")
    return number


def format_bytes(size: float) -> str:
    """`64 MiB`, `1.5 GiB`: binary units, a decimal only where the size needs one."""
    unit = "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            break
        size /= 1024
    return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
