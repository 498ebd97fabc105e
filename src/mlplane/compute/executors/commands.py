"""The command line an attempt runs: a program, a shell line, or a Python entry point."""

from __future__ import annotations

from mlplane.compute.schemas import JobSpec

# Runs `module:function` (its return value is the exit status) in any Python, even one
# without mlplane installed.
_CALL_FUNCTION = (
    "import importlib, sys\n"
    "target = sys.argv.pop(1)\n"
    "module, _, function = target.partition(':')\n"
    "sys.argv[0] = target\n"
    "result = getattr(importlib.import_module(module), function)()\n"
    "sys.exit(result if isinstance(result, int) else 0)\n"
)


def job_command(spec: JobSpec, python: str = "python") -> list[str]:
    if spec.entry_point is not None:
        module, _, function = spec.entry_point.partition(":")
        if function:
            return [python, "-c", _CALL_FUNCTION, spec.entry_point, *spec.args]
        return [python, "-m", module, *spec.args]
    if isinstance(spec.command, str):
        return ["/bin/sh", "-c", spec.command, "sh", *spec.args]
    return [*(spec.command or []), *spec.args]


def shell_line(command: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(part) for part in command)
