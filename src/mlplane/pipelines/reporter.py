"""Sends step reports from a background thread, batching whatever piles up meanwhile.

The runner never waits on the platform to move to the next step: it queues a report and
goes on. While a batch is in flight the next ones accumulate and go together, so a burst
of trivial steps costs a few requests rather than one per state change.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from mlplane.pipelines.schemas import StepReport

if TYPE_CHECKING:
    from mlplane.pipelines.recording import RunRecorder


class Reporter:
    def __init__(self, client: RunRecorder, project: str, run_id: str) -> None:
        self._client = client
        self._project = project
        self._run_id = run_id
        self._queue: queue.SimpleQueue[StepReport | None] = queue.SimpleQueue()
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="mlplane-step-reports", daemon=True)
        self._thread.start()

    def send(self, report: StepReport) -> None:
        self._queue.put(report)

    def close(self) -> None:
        """Send what is queued and stop; raises the first error the platform answered."""
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: dict[str, StepReport] = {}
            item = self._queue.get()
            while True:
                if item is None:
                    stopping = True
                else:
                    # A later state of the same step replaces an earlier one not yet sent.
                    batch[item.name] = item
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch and self.error is None:
                try:
                    self._client.pipelines.report_steps(
                        self._project, self._run_id, list(batch.values())
                    )
                except Exception as error:
                    self.error = error
