"""Run every benchmark in bench/ one after the other; each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = sorted(
    path for path in Path(__file__).parent.rglob("*.py") if path.name not in {"run_all.py"}
    and not path.name.startswith("_")
)


def main() -> None:
    failed = []
    for path in BENCHMARKS:
        print(f"\n## {path.relative_to(Path(__file__).parent)}\n", flush=True)
        if subprocess.run([sys.executable, str(path)]).returncode != 0:
            failed.append(path.name)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
