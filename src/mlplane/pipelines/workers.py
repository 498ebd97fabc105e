"""The local executor: a pool of warm worker processes that run steps.

Workers are plain child processes speaking length-prefixed pickles over their stdin and
stdout, started once and reused by every pipeline the process runs, so a trivial step costs
a round trip over a pipe rather than a process start. One monitor thread owns the pool:
it hands tasks to idle workers, reads results, and kills a worker whose step ran past its
timeout (the only way to stop arbitrary code), starting a fresh one in its place.
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

from mlplane.pipelines.worker_process import HEADER, read_frame

DEFAULT_SIZE = max(2, min(8, os.cpu_count() or 2))


@dataclass
class Task:
    id: int
    digest: str
    function: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    timeout: float | None
    resources: dict[str, Any] = field(default_factory=dict)  # what a cluster schedules on


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


class WorkerPool:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
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
        for _ in range(size):
            self._start_worker()
        self._monitor = threading.Thread(target=self._run, name="mlplane-step-pool", daemon=True)
        self._monitor.start()

    def submit(self, task: Task, results: queue.SimpleQueue[Completion]) -> None:
        """Queue a task; its `Completion` goes to `results`."""
        with self._results_lock:
            self._results[task.id] = results
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
        for worker in self._workers:
            if not self._pending:
                return
            if worker.task is None:
                self._send(worker, self._pending.popleft())

    def _send(self, worker: _Worker, task: Task) -> None:
        import cloudpickle  # type: ignore[import-untyped]

        function_bytes = None
        if task.digest not in worker.known:
            function_bytes = cloudpickle.dumps(task.function)
        try:
            frame = cloudpickle.dumps((task.digest, function_bytes, task.args, task.kwargs))
        except Exception as error:
            self._finish(
                task, False, (type(error).__name__, f"inputs cannot be pickled: {error}", "")
            )
            return
        assert worker.process.stdin is not None
        try:
            worker.process.stdin.write(HEADER.pack(len(frame)) + frame)
            worker.process.stdin.flush()
        except OSError:
            self._replace(worker)
            self._pending.appendleft(task)
            return
        worker.known.add(task.digest)
        worker.task = task
        worker.deadline = time.monotonic() + task.timeout if task.timeout else None

    def _finish(self, task: Task, ok: bool, value: Any) -> None:
        with self._results_lock:
            results = self._results.pop(task.id)
        results.put(Completion(task.id, ok, value))

    def _run(self) -> None:
        while True:
            deadlines = [w.deadline for w in self._workers if w.deadline is not None]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
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
        if task is not None:
            self._finish(task, ok, value)

    def _expire(self, now: float) -> None:
        for worker in list(self._workers):
            if worker.deadline is not None and now >= worker.deadline and worker.task is not None:
                task = worker.task
                self._replace(worker)
                message = f"the step ran longer than its timeout of {task.timeout:g} s"
                self._finish(task, False, ("TimeoutError", message, ""))


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
