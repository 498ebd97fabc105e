"""How many replicas a served version gets on Ray Serve, and what each one reserves.

Resources use the platform's keys, as steps and jobs on Ray do: `replicas`, `cpu`, `gpu`,
`memory` (bytes or "512Mi"); any other key is a custom Ray resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlplane.compute.schemas import parse_memory


@dataclass(frozen=True)
class ReplicaOptions:
    num_replicas: int = 1
    num_cpus: float = 1.0
    num_gpus: float = 0.0
    memory: int | None = None
    custom: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_resources(cls, *layers: Mapping[str, Any] | None) -> ReplicaOptions:
        """Options from resource tables, later ones overriding earlier ones per key."""
        merged: dict[str, Any] = {}
        for layer in layers:
            merged.update(layer or {})
        replicas = int(merged.pop("replicas", 1))
        if replicas < 1:
            raise ValueError(f"replicas must be at least 1, not {replicas}")
        memory = merged.pop("memory", None)
        return cls(
            num_replicas=replicas,
            num_cpus=float(merged.pop("cpu", 1.0)),
            num_gpus=float(merged.pop("gpu", 0.0)),
            memory=None if memory is None else parse_memory(memory),
            custom={key: float(value) for key, value in merged.items()},
        )

    def actor_options(self) -> dict[str, Any]:
        """The replicas' `ray_actor_options`."""
        options: dict[str, Any] = {"num_cpus": self.num_cpus}
        if self.num_gpus:
            options["num_gpus"] = self.num_gpus
        if self.memory is not None:
            options["memory"] = self.memory
        if self.custom:
            options["resources"] = dict(self.custom)
        return options

    def as_dict(self) -> dict[str, Any]:
        return {"num_replicas": self.num_replicas, "ray_actor_options": self.actor_options()}
