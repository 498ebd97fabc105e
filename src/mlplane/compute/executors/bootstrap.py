"""First program of a local job: prepare its Python environment, then run its command.

Run as a plain script (standard library only, so it starts fast) with the launch plan in
`MLPLANE_JOB_LAUNCH`: the command, and either requirements to install into a cached
environment, an existing virtual environment, or none (this platform's own Python).
Environment preparation is printed, so it shows in the job's logs. It stays the parent of
the command, so a SIGTERM (from a stop, or from the worker dying) takes the whole process
group down.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path

PLAN_VARIABLE = "MLPLANE_JOB_LAUNCH"
STOP_GRACE_SECONDS = 5.0


def _run(command: list[str]) -> None:
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, stdout=sys.stdout, stderr=sys.stderr)


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


def _environment_with(requirements: list[str], envs_dir: Path) -> Path:
    """A virtual environment with the requirements, shared by jobs that ask for the same."""
    key = hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()[:16]
    target = envs_dir / key
    envs_dir.mkdir(parents=True, exist_ok=True)
    with open(envs_dir / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".ready").exists():
            print(f"using the environment {target}", flush=True)
            return target
        shutil.rmtree(target, ignore_errors=True)
        uv = _uv()
        python = str(target / "bin" / "python")
        if uv:
            _run([uv, "venv", "--quiet", "--python", sys.executable, str(target)])
            _run([uv, "pip", "install", "--python", python, *requirements])
        else:
            _run([sys.executable, "-m", "venv", str(target)])
            _run([python, "-m", "pip", "install", "--quiet", *requirements])
        # The platform's packages stay importable (mlplane itself for tracking), after the
        # environment's own, which win.
        site = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        Path(site, "mlplane-platform.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        (target / ".ready").write_text("")
        return target


def _stop_group_on_term(child: subprocess.Popen[bytes]) -> None:
    """On SIGTERM (a stop, or the worker's death), give the job a grace period, then kill
    every process of the group: nothing the job started outlives it."""

    def stop(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgrp(), signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=STOP_GRACE_SECONDS)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    plan = json.loads(os.environ.pop(PLAN_VARIABLE))
    command: list[str] = plan["command"]
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    if plan.get("requirements"):
        try:
            venv = _environment_with(plan["requirements"], Path(plan["envs_dir"]))
        except subprocess.CalledProcessError as error:
            print(f"installing the requirements failed: {error}", file=sys.stderr, flush=True)
            sys.exit(97)
        bin_dir = str(venv / "bin")
        env["VIRTUAL_ENV"] = str(venv)
    elif plan.get("venv"):
        bin_dir = str(Path(plan["venv"]) / "bin")
        env["VIRTUAL_ENV"] = str(plan["venv"])
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    sys.stdout.flush()
    executable = shutil.which(command[0], path=env["PATH"]) or command[0]
    try:
        child = subprocess.Popen([executable, *command[1:]], env=env)
    except OSError as error:
        print(f"cannot start {command[0]!r}: {error}", file=sys.stderr, flush=True)
        sys.exit(127)
    _stop_group_on_term(child)
    code = child.wait()
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
