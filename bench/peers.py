"""Peers run in virtual environments of their own: they pin versions mlplane does not share."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# Outside the source tree, so linters, type checkers and test discovery never walk them.
VENVS = Path(os.environ.get("MLPLANE_BENCH_VENVS", Path.home() / ".cache/mlplane-bench/venvs"))


def peer_environment(name: str, packages: list[str]) -> Path:
    """A virtual environment with `packages` installed; returns its bin folder."""
    folder = VENVS / name
    marker = folder / ".installed"
    wanted = "\n".join(packages)
    if marker.exists() and marker.read_text() == wanted:
        return folder / "bin"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if Path(uv).exists():
        install = [uv, "pip", "install", "--python", str(python), "--quiet", *packages]
    else:
        install = [str(python), "-m", "pip", "install", "--quiet", *packages]
    subprocess.run(install, check=True)
    marker.write_text(wanted)
    return folder / "bin"
