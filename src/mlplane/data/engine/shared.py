"""Locked sandboxes over dataset versions, kept for the next query.

A version never changes, so a sandbox holding the same versions can answer the next query
too, with DuckDB's caches of those files still warm. Each query runs on a connection of its
own, so several may share a sandbox at once. Sandboxes holding a caller's platform rows are
never shared.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from mlplane.data.engine.sandbox import Sandbox

KEPT = 4
IDLE_SECONDS = 300.0


@dataclass
class _Entry:
    sandbox: Sandbox
    users: int = 0
    retired: bool = False
    last_used: float = field(default_factory=time.monotonic)


class SharedSandboxes:
    def __init__(self, kept: int = KEPT, idle_seconds: float = IDLE_SECONDS) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._kept = kept
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()

    def _retire(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        entry.retired = True
        if entry.users == 0:
            entry.sandbox.close()

    def _tidy(self) -> None:
        now = time.monotonic()
        for key in [k for k, e in self._entries.items() if now - e.last_used > self._idle_seconds]:
            if self._entries[key].users == 0:
                self._retire(key)
        while len(self._entries) > self._kept:
            self._retire(next(iter(self._entries)))

    def _build(self, key: Hashable, build: Callable[[Sandbox], None]) -> _Entry:
        sandbox = Sandbox()
        try:
            build(sandbox)
            sandbox.lock()
        except BaseException:
            sandbox.close()
            raise
        entry = _Entry(sandbox, users=1)
        with self._lock:
            if key in self._entries:
                # Another query built the same sandbox meanwhile: use ours once, keep theirs.
                entry.retired = True
            else:
                self._entries[key] = entry
                self._tidy()
        return entry

    @contextmanager
    def lease(self, key: Hashable, build: Callable[[Sandbox], None]) -> Iterator[Sandbox]:
        """The locked sandbox for `key`, built by `build` (which attaches its tables) if none
        is kept."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.users += 1
                self._entries.move_to_end(key)
        if entry is None:
            entry = self._build(key, build)
        try:
            yield entry.sandbox
        finally:
            with self._lock:
                entry.users -= 1
                entry.last_used = time.monotonic()
                if entry.retired and entry.users == 0:
                    entry.sandbox.close()

    def clear(self) -> None:
        with self._lock:
            for key in list(self._entries):
                self._retire(key)


SHARED = SharedSandboxes()
atexit.register(SHARED.clear)
