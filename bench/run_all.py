"""Run every benchmark in bench/ one after the other; each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Each benchmark is a `bench_*.py` file (or `startup.py`); helpers such as peers.py are not.
BENCHMARKS = sorted(
    [Path(__file__).parent / "startup.py", *Path(__file__).parent.glob("*/bench_*.py")]
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
