"""The Ray executor: each step task runs as a Ray task on a cluster.

The process connects to the cluster once (`ray.init` on its GCS address, `host:6379`, or a
Ray Client address, `ray://host:10001`) and keeps the connection for every pipeline it
runs. A step's function is pickled here once per code version and put in the object store,
so later tasks pass only a reference; functions of a pipeline script travel by value, as
they do to the local workers. Resources map as they do for jobs on ray pools: `cpu` to
`num_cpus`, `gpu` to `num_gpus`, `memory` to `memory` (bytes), others to custom resources.
Ray never retries a task itself: the runner retries as the step allows, and a task that
runs past its timeout is cancelled with its worker process killed.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from mlplane.compute.schemas import parse_memory
from mlplane.pipelines.workers import Completion, Task

StepOutcome = tuple[bool, Any]  # (True, value) or (False, (error type, message, traceback))


def task_options(resources: dict[str, Any]) -> dict[str, Any]:
    """The `ray.remote` options of a step with these resources."""
    options: dict[str, Any] = {"max_retries": 0, "retry_exceptions": False}
    custom: dict[str, float] = {}
    for key, value in resources.items():
        if key == "cpu":
            options["num_cpus"] = float(value)
        elif key == "gpu":
            options["num_gpus"] = float(value)
        elif key == "memory":
            options["memory"] = parse_memory(value)
        else:
            custom[key] = float(value)
    if custom:
        options["resources"] = custom
    return options


def _step_body() -> Callable[[bytes, tuple[Any, ...], dict[str, Any]], StepOutcome]:
    # Defined inside a function so that cloudpickle sends it by value: the cluster's
    # workers need Python and the step's own imports, not this module.
    def run_step(function: bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> StepOutcome:
        import pickle
        import traceback

        try:
            return True, pickle.loads(function)(*args, **kwargs)
        except BaseException as error:  # the step's failure is the result, not the task's
            return False, (type(error).__name__, str(error), traceback.format_exc())

    return run_step


def _pickle_function(function: Any) -> bytes:
    """The function by value where the local workers get it by value too."""
    import cloudpickle  # type: ignore[import-untyped]
    from ray import cloudpickle as ray_pickler

    ray_cloudpickle: Any = ray_pickler  # untyped
    # Pipeline scripts register with cloudpickle when loaded; Ray pickles with its own copy.
    known = ray_cloudpickle.list_registry_pickle_by_value()
    for name in cloudpickle.list_registry_pickle_by_value() - known:
        if name in sys.modules:
            ray_cloudpickle.register_pickle_by_value(sys.modules[name])
    data: bytes = ray_cloudpickle.dumps(function)
    return data


@dataclass
class _InFlight:
    task: Task
    results: queue.SimpleQueue[Completion]
    ref: Any = None
    timer: threading.Timer | None = None


class RayExecutor:
    def __init__(self, address: str) -> None:
        try:
            import ray
        except ImportError as error:
            raise RuntimeError("the ray executor needs Ray: pip install 'mlplane[ray]'") from error
        self.address = address
        self._ray = ray
        # Connected by this executor (and so disconnected by it), or by the program itself.
        self.owns_connection = not ray.is_initialized()
        self._remote = ray.remote(_step_body())
        self._functions: dict[str, Any] = {}  # task digest -> object ref of the pickled function
        self._in_flight: dict[int, _InFlight] = {}
        self._lock = threading.Lock()

    def refusal(self, resources: dict[str, Any]) -> str | None:
        """Only resources that do not parse: what the cluster has is Ray's to schedule."""
        try:
            task_options(resources)
        except (TypeError, ValueError) as error:
            return f"has invalid resources: {error}"
        return None

    def submit(self, task: Task, results: queue.SimpleQueue[Completion]) -> None:
        entry = _InFlight(task, results)
        with self._lock:
            self._in_flight[task.id] = entry
        try:
            options = task_options(task.resources)
        except (TypeError, ValueError) as error:
            self._finish(task.id, False, ("InvalidResources", f"step resources: {error}", ""))
            return
        # A step's SDK calls reach the platform over HTTP only: a cluster's machines cannot
        # use a home's in-process app.
        if task.environment.get("MLPLANE_URL"):
            options["runtime_env"] = {"env_vars": dict(task.environment)}
        try:
            function = self._function(task)
            ref = self._remote.options(**options).remote(function, task.args, task.kwargs)
        except Exception as error:
            message = f"inputs cannot be sent to Ray: {error}"
            self._finish(task.id, False, (type(error).__name__, message, ""))
            return
        entry.ref = ref
        if task.timeout:
            entry.timer = threading.Timer(task.timeout, self._expire, (task.id,))
            entry.timer.daemon = True
            entry.timer.start()
        ref.future().add_done_callback(lambda future: self._done(task.id, future))

    def _function(self, task: Task) -> Any:
        with self._lock:
            found = self._functions.get(task.digest)
        if found is None:
            found = self._ray.put(_pickle_function(task.function))
            with self._lock:
                self._functions[task.digest] = found
        return found

    def _done(self, task_id: int, future: Future[StepOutcome]) -> None:
        try:
            ok, value = future.result()
        except Exception as error:  # the task never ran to its end: worker died, cancelled
            ok, value = False, ("WorkerLost", f"the Ray task failed: {error}", "")
        self._finish(task_id, ok, value)

    def _expire(self, task_id: int) -> None:
        with self._lock:
            entry = self._in_flight.get(task_id)
        if entry is None or entry.ref is None:
            return
        timeout = entry.task.timeout or 0
        message = f"the step ran longer than its timeout of {timeout:g} s"
        if self._finish(task_id, False, ("TimeoutError", message, "")):
            # Killing the worker is the only way to stop arbitrary code.
            self._ray.cancel(entry.ref, force=True)

    def _finish(self, task_id: int, ok: bool, value: Any) -> bool:
        """Report the task's completion once; False when it was already reported."""
        with self._lock:
            entry = self._in_flight.pop(task_id, None)
        if entry is None:
            return False
        if entry.timer is not None:
            entry.timer.cancel()
        entry.results.put(Completion(task_id, ok, value))
        return True


_executor: RayExecutor | None = None
_executor_lock = threading.Lock()


def ray_executor(address: str) -> RayExecutor:
    """The process's Ray executor, connected to `address` on first use.

    A process holds one Ray connection, so every pipeline it runs on Ray uses one cluster.
    """
    global _executor
    if address.startswith(("http://", "https://")):
        raise ValueError(
            f"{address} looks like a Ray dashboard: give the cluster's address, "
            "host:6379 or ray://host:10001"
        )
    with _executor_lock:
        if _executor is not None:
            if _executor.address != address:
                raise ValueError(
                    f"this process already runs steps on the Ray cluster at {_executor.address}"
                )
            return _executor
        executor = RayExecutor(address)
        if executor.owns_connection:
            executor._ray.init(
                address=address,
                namespace="mlplane",
                logging_level=logging.WARNING,
                configure_logging=False,
            )
        _executor = executor
        return executor


def close_ray_executor() -> None:
    """Disconnect from the cluster, so a later `ray_executor` may connect to another."""
    global _executor
    with _executor_lock:
        if _executor is not None and _executor.owns_connection:
            _executor._ray.shutdown()
        _executor = None
