"""Run an attempt as a process tree on this machine, in its own session.

The tree is the unit: memory is measured over it and stopping it signals its whole process
group. The first process is told when the worker dies (parent-death signal) and takes the
group down, so a killed worker leaves no job running under nobody's lease.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from mlplane.compute.executors import bootstrap
from mlplane.compute.executors.base import LaunchRequest, LineCollector
from mlplane.compute.executors.bootstrap import STOP_GRACE_SECONDS
from mlplane.compute.executors.commands import job_command

PR_SET_PDEATHSIG = 1
JOB_ID_VARIABLE = "MLPLANE_JOB_ID"


def _die_with_worker() -> None:
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalExecution:
    def __init__(self, request: LaunchRequest, envs_dir: Path) -> None:
        spec = request.spec
        plan = {
            "command": job_command(spec),
            "requirements": spec.environment.requirements,
            "venv": spec.environment.venv,
            "envs_dir": str(envs_dir),
        }
        env = {**os.environ, **request.env, bootstrap.PLAN_VARIABLE: json.dumps(plan)}
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, bootstrap.__file__],
            cwd=spec.working_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            # The worker loop launches from one thread, where preexec_fn is safe.
            preexec_fn=_die_with_worker,
        )
        self.external_id = f"local:{os.uname().nodename}:{self.process.pid}"
        self._output = LineCollector()
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._output.follow("stdout", self.process.stdout)
        self._output.follow("stderr", self.process.stderr)
        self._stopping = False

    def poll(self) -> int | None:
        code = self.process.poll()
        if code is None:
            return None
        # Report the end once the pipes are read out, so the last lines are not lost.
        if not self._output.finished():
            return None
        return code

    def drain_output(self) -> list[tuple[str, str]]:
        return self._output.drain()

    def memory_bytes(self) -> int | None:
        try:
            root = psutil.Process(self.process.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        total = 0
        for process in tree:
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        stop_process_group(self.process.pid)


def stop_process_group(pgid: int) -> None:
    """SIGTERM the group now, SIGKILL whatever is left after a grace period."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return

    def finish() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)

    timer = threading.Timer(STOP_GRACE_SECONDS, finish)
    timer.daemon = True
    timer.start()


def stop_orphan(external_id: str, job_id: str) -> None:
    """Stop what a dead worker left of a job on this machine: its process group, once a
    member proves (by the job id in its environment) that the group is still that job's."""
    kind, _, rest = external_id.partition(":")
    host, _, pid_text = rest.rpartition(":")
    if kind != "local" or host != os.uname().nodename or not pid_text.isdigit():
        return
    pgid = int(pid_text)
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) != pgid:
                continue
            if process.environ().get(JOB_ID_VARIABLE) == job_id:
                os.killpg(pgid, signal.SIGKILL)
                return
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue
