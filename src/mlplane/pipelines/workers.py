"""The local executor: a pool of warm worker processes that run steps.

Workers are plain child processes speaking length-prefixed pickles over their stdin and
stdout, started as tasks need them (one at first) and reused by every pipeline the process
runs, so a trivial step costs a round trip over a pipe rather than a process start. One
monitor thread owns the pool: it hands tasks to idle workers, reads results, and kills a
worker whose step ran past its timeout (the only way to stop arbitrary code), starting a
fresh one in its place.

The pool also holds the machine's resources (resources.py): a step starts only when the
CPUs, memory and GPUs it asks for are free, GPUs are handed out by device number through
CUDA_VISIBLE_DEVICES, and a worker whose resident memory grows past its step's memory
limit is killed like one past its timeout.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import os
import queue
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mlplane.compute.machine import MachineResources, machine_resources
from mlplane.pipelines.resources import StepRequest, format_bytes
from mlplane.pipelines.worker_process import HEADER, read_frame

DEFAULT_SIZE = max(2, min(8, os.cpu_count() or 2))
# How often the resident memory of a worker running a memory-limited step is read.
MEMORY_POLL_S = 0.05
NO_REQUEST = StepRequest()


@dataclass
class Task:
    id: int
    digest: str
    function: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    timeout: float | None
    resources: dict[str, Any] = field(default_factory=dict)  # see resources.py
    # Set while the step runs: the platform and project its own SDK calls go to.
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Completion:
    task_id: int
    ok: bool
    value: Any  # the step's return value, or (error type, message, traceback)


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    known: set[str] = field(default_factory=set)
    task: Task | None = None
    deadline: float | None = None
    request: StepRequest = NO_REQUEST
    gpu_ids: tuple[str, ...] = ()


def _visible_gpu_ids(count: int) -> list[str]:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        devices = [device.strip() for device in visible.split(",")]
        found = [device for device in devices if device not in ("", "-1")]
        if len(found) >= count:
            return found[:count]
    return [str(number) for number in range(count)]


class WorkerPool:
    def __init__(self, size: int = DEFAULT_SIZE, capacity: MachineResources | None = None) -> None:
        """`size` warm workers sharing `capacity` (default: this machine's resources)."""
        self.size = size
        self.capacity = capacity or machine_resources()
        self._gpu_ids = _visible_gpu_ids(self.capacity.gpus)
        self._requests: dict[int, StepRequest] = {}  # read by the monitor thread only
        self._inbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._pending: collections.deque[Task] = collections.deque()
        self._results: dict[int, queue.SimpleQueue[Completion]] = {}
        self._results_lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._closed = False
        # One worker now; the others as tasks wait for one. A short chain never pays for
        # processes it would not use, and a wide fan-out fills the pool on its first step.
        self._start_worker()
        self._monitor = threading.Thread(target=self._run, name="mlplane-step-pool", daemon=True)
        self._monitor.start()

    def refusal(self, resources: dict[str, Any]) -> str | None:
        """Why a step with these resources can never run on this pool, or None."""
        try:
            request = StepRequest.of(resources)
        except ValueError as error:
            return f"has invalid resources: {error}"
        return request.refusal(self.capacity)

    def submit(self, task: Task, results: queue.SimpleQueue[Completion]) -> None:
        """Queue a task; its `Completion` goes to `results`."""
        with self._results_lock:
            self._results[task.id] = results
        refused = self.refusal(task.resources)
        if refused is not None:
            # Waiting would be forever: fail it now rather than hold up the queue.
            self._finish(task, False, ("ResourceError", f"the step {refused}", ""))
            return
        self._inbox.put(task)
        os.write(self._wake_write, b"x")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._inbox.put(None)
        os.write(self._wake_write, b"x")
        self._monitor.join(timeout=5)
        for worker in self._workers:
            _stop(worker.process)

    # The monitor thread

    def _start_worker(self) -> _Worker:
        environment = dict(os.environ)
        # The worker sees the modules this process sees, so steps pickled by reference load.
        environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        process = subprocess.Popen(
            [sys.executable, "-m", "mlplane.pipelines.worker_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )
        worker = _Worker(process)
        self._workers.append(worker)
        assert process.stdout is not None
        self._selector.register(process.stdout, selectors.EVENT_READ, worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        assert worker.process.stdout is not None
        self._selector.unregister(worker.process.stdout)
        self._workers.remove(worker)
        _stop(worker.process)
        if not self._closed:
            self._start_worker()

    def _dispatch(self) -> None:
        """Hand pending tasks to idle workers, in order, as far as the free resources allow.

        A task that asks for resources and does not fit yet holds back the later tasks that
        ask for resources too, so small steps cannot starve a large one; tasks that ask
        for nothing go on.
        """
        idle = [worker for worker in self._workers if worker.task is None]
        busy = [worker for worker in self._workers if worker.task is not None]
        missing = min(len(self._pending) - len(idle), self.size - len(self._workers))
        idle.extend(self._start_worker() for _ in range(max(0, missing)))
        free_cpus = self.capacity.cpus - sum(worker.request.cpus for worker in busy)
        free_memory = self.capacity.memory_bytes - sum(
            worker.request.memory_bytes or 0 for worker in busy
        )
        taken = {gpu for worker in busy for gpu in worker.gpu_ids}
        free_gpus = [gpu for gpu in self._gpu_ids if gpu not in taken]
        waiting: collections.deque[Task] = collections.deque()
        held_back = False
        while self._pending:
            task = self._pending.popleft()
            request = self._requests.get(task.id)
            if request is None:  # parses: submit already refused resources that do not
                request = self._requests[task.id] = StepRequest.of(task.resources)
            asks = request != NO_REQUEST
            fits = (
                bool(idle)
                and not (held_back and asks)
                and request.cpus <= free_cpus + 1e-9
                and (request.memory_bytes or 0) <= free_memory
                and request.gpus <= len(free_gpus)
            )
            if not fits:
                waiting.append(task)
                held_back = held_back or asks
                continue
            gpus = tuple(free_gpus[: request.gpus])
            if self._send(idle[-1], task, request, gpus):
                idle.pop()
                free_cpus -= request.cpus
                free_memory -= request.memory_bytes or 0
                free_gpus = free_gpus[request.gpus :]
            else:
                waiting.append(task)  # its worker died; a fresh one takes it next time
                held_back = held_back or asks
                idle = [worker for worker in self._workers if worker.task is None]
        self._pending = waiting

    def _send(
        self, worker: _Worker, task: Task, request: StepRequest, gpus: tuple[str, ...]
    ) -> bool:
        """Give `task` to `worker`; False when the worker is gone and the task still waits."""
        import cloudpickle  # type: ignore[import-untyped]

        function_bytes = None
        if task.digest not in worker.known:
            function_bytes = cloudpickle.dumps(task.function)
        environment = dict(task.environment)
        if request.gpus:
            environment["CUDA_VISIBLE_DEVICES"] = ",".join(gpus)
        try:
            frame = cloudpickle.dumps(
                (task.digest, function_bytes, task.args, task.kwargs, environment)
            )
        except Exception as error:
            self._finish(
                task, False, (type(error).__name__, f"inputs cannot be pickled: {error}", "")
            )
            return True
        assert worker.process.stdin is not None
        try:
            worker.process.stdin.write(HEADER.pack(len(frame)) + frame)
            worker.process.stdin.flush()
        except OSError:
            self._replace(worker)
            return False
        worker.known.add(task.digest)
        worker.task, worker.request, worker.gpu_ids = task, request, gpus
        worker.deadline = time.monotonic() + task.timeout if task.timeout else None
        return True

    def _finish(self, task: Task, ok: bool, value: Any) -> None:
        self._requests.pop(task.id, None)
        with self._results_lock:
            results = self._results.pop(task.id)
        results.put(Completion(task.id, ok, value))

    def _run(self) -> None:
        while True:
            deadlines = [w.deadline for w in self._workers if w.deadline is not None]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            if any(w.task is not None and w.request.memory_bytes for w in self._workers):
                wait = MEMORY_POLL_S if wait is None else min(wait, MEMORY_POLL_S)
            for key, _events in self._selector.select(wait):
                if key.data is None:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_read, 4096)
                    continue
                self._read_result(key.data)
            while True:
                try:
                    task = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if task is None:
                    return
                self._pending.append(task)
            self._expire(time.monotonic())
            self._enforce_memory()
            self._dispatch()

    def _read_result(self, worker: _Worker) -> None:
        assert worker.process.stdout is not None
        task = worker.task
        try:
            ok, value = read_frame(worker.process.stdout)  # type: ignore[arg-type]
        except Exception as error:  # the worker died (killed, out of memory, os._exit)
            code = worker.process.poll()
            self._replace(worker)
            if task is not None:
                reason = (
                    f"the worker process exited (code {code})" if code is not None else str(error)
                )
                self._finish(task, False, ("WorkerLost", reason, ""))
            return
        worker.task, worker.deadline = None, None
        worker.request, worker.gpu_ids = NO_REQUEST, ()
        if task is not None:
            self._finish(task, ok, value)

    def _expire(self, now: float) -> None:
        for worker in list(self._workers):
            if worker.deadline is not None and now >= worker.deadline and worker.task is not None:
                task = worker.task
                self._replace(worker)
                message = f"the step ran longer than its timeout of {task.timeout:g} s"
                self._finish(task, False, ("TimeoutError", message, ""))

    def _enforce_memory(self) -> None:
        for worker in list(self._workers):
            limit, task = worker.request.memory_bytes, worker.task
            if limit is None or task is None:
                continue
            resident = _resident_bytes(worker.process.pid)
            if resident > limit:
                self._replace(worker)
                message = (
                    f"the step exceeded its memory limit of {format_bytes(limit)} "
                    f"({format_bytes(resident)} resident)"
                )
                self._finish(task, False, ("MemoryError", message, ""))


def _resident_bytes(pid: int) -> int:
    """Resident memory of a worker and the processes it started."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process's pool, started on first use and kept warm until the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
            atexit.register(_shared.close)
        return _shared
