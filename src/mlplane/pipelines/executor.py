"""Where step tasks run: the seam between the runner and an executor.

The runner decides what runs and when (cache, retries, fan-out, resume); an executor only
runs one step callable with its inputs and reports a `Completion`. `local` is the warm
worker pool of this process; `ray` sends each task to a Ray cluster as a Ray task.
"""

from __future__ import annotations

import os
import queue
from typing import Any, Protocol

from mlplane.pipelines.workers import Completion, Task, shared_pool

EXECUTORS = ("local", "ray")


class Executor(Protocol):
    def submit(self, task: Task, results: queue.SimpleQueue[Completion]) -> None:
        """Start `task`; its `Completion` (value, failure or timeout) goes to `results`."""

    def refusal(self, resources: dict[str, Any]) -> str | None:
        """Why a step with these resources can never run here (checked before a run), or None."""


def get_executor(kind: str | Executor | None = None, address: str | None = None) -> Executor:
    """The executor named `kind` (default `local`); `address` is the Ray cluster's."""
    if kind is None or kind == "local":
        if address:
            raise ValueError("an address is for the ray executor; the local executor has none")
        return shared_pool()
    if kind == "ray":
        from mlplane.pipelines.ray_executor import ray_executor

        address = address or os.environ.get("RAY_ADDRESS")
        if not address:
            raise ValueError("the ray executor needs the cluster's address (or RAY_ADDRESS)")
        return ray_executor(address)
    if isinstance(kind, str):
        raise ValueError(f"unknown executor {kind!r}: use one of {', '.join(EXECUTORS)}")
    return kind
