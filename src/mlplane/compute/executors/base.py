"""What the scheduler needs from a running attempt, whatever runs it."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import IO, Protocol

from mlplane.compute.schemas import JobSpec

MAX_LINE = 10_000


@dataclass(frozen=True)
class LaunchRequest:
    """One attempt to launch: the spec, and the variables the job runs with."""

    job_id: str
    attempt: int
    spec: JobSpec
    env: dict[str, str]
    address: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Execution(Protocol):
    """A launched attempt. Every method returns at once: the worker loop never blocks."""

    external_id: str

    def poll(self) -> int | None:
        """The exit code once it ended, else None."""
        ...

    def drain_output(self) -> list[tuple[str, str]]:
        """(stream, line) pairs written since the last call."""
        ...

    def memory_bytes(self) -> int | None:
        """Resident memory of the whole attempt, when the executor can see it."""
        ...

    def stop(self) -> None:
        """Stop the attempt and everything it started."""
        ...


class LineCollector:
    """Reads a process's pipes on threads so the loop can take complete lines when it wants."""

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def follow(self, stream: str, pipe: IO[bytes]) -> None:
        thread = threading.Thread(
            target=self._read, args=(stream, pipe), name=f"job-{stream}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def _read(self, stream: str, pipe: IO[bytes]) -> None:
        with pipe:
            for raw in iter(pipe.readline, b""):
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                self._lines.put((stream, text[:MAX_LINE]))

    def finished(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    def drain(self) -> list[tuple[str, str]]:
        lines = []
        while True:
            try:
                lines.append(self._lines.get_nowait())
            except queue.Empty:
                return lines
