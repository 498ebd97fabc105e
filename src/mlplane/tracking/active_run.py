"""A run being recorded by this process: `with mlplane.start_run(...) as run:`.

Metrics are buffered and sent in batches by a background thread; params and tags are sent
at once, so a changed param fails at the line that changed it. Leaving the block ends the
run: FINISHED normally, FAILED on an exception, KILLED on Ctrl-C. Pending metrics are
flushed first in every case.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from mlplane.core.errors import InvalidInput
from mlplane.tracking.artifact_files import dict_bytes, figure_bytes
from mlplane.tracking.batching import MetricBuffer
from mlplane.tracking.client.encoding import metric_entry
from mlplane.tracking.schemas import ArtifactWritten, DatasetInput, Run
from mlplane.tracking.system_metrics import SystemMetricsMonitor
from mlplane.tracking.validation import check_key

if TYPE_CHECKING:
    from mlplane.client.client import Client

logger = logging.getLogger("mlplane.tracking")


def _checked_key(key: str) -> str:
    try:
        return check_key(key, "key")
    except InvalidInput as error:
        raise ValueError(error.detail) from None


class ActiveRun:
    def __init__(
        self,
        client: Client,
        run: Run,
        project: str,
        *,
        flush_interval: float = 1.0,
        system_metrics_interval: float | None = None,
        on_end: Callable[[ActiveRun], None] | None = None,
    ) -> None:
        self.client = client
        self.info = run
        self.project = project
        self._on_end = on_end
        self._ended = False
        self._metrics = MetricBuffer(self._send_metrics, interval=flush_interval)
        self._system: SystemMetricsMonitor | None = None
        if system_metrics_interval is not None:
            self._system = SystemMetricsMonitor(self._log_system, system_metrics_interval)
            self._system.start()

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def experiment_id(self) -> str:
        return self.info.experiment_id

    def _send_metrics(self, entries: list[dict[str, Any]]) -> None:
        self.client.runs.send_batch(self.id, {"metrics": entries}, project=self.project)

    def _log_system(self, values: dict[str, float], step: int) -> None:
        self.log_metrics(values, step=step)

    # Metrics, params, tags

    def log_metric(
        self, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        stamp = timestamp if timestamp is not None else int(time.time() * 1000)
        self._metrics.add([metric_entry(_checked_key(key), value, step, stamp)])

    def log_metrics(self, metrics: Mapping[str, float], step: int = 0) -> None:
        stamp = int(time.time() * 1000)
        self._metrics.add(
            [metric_entry(_checked_key(key), value, step, stamp) for key, value in metrics.items()]
        )

    def log_param(self, key: str, value: Any) -> None:
        self.client.runs.log_params(self.id, {key: value}, project=self.project)

    def log_params(self, params: Mapping[str, Any]) -> None:
        self.client.runs.log_params(self.id, params, project=self.project)

    def set_tag(self, key: str, value: Any) -> None:
        self.client.runs.set_tag(self.id, key, value, project=self.project)

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        self.client.runs.set_tags(self.id, tags, project=self.project)

    def log_input(self, dataset: DatasetInput | Mapping[str, Any]) -> None:
        """Record a dataset the run uses: name, digest, source, schema, profile, context."""
        self.client.runs.log_inputs(self.id, [dataset], project=self.project)

    # Artifacts

    def log_artifact(
        self, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> ArtifactWritten:
        return self.client.runs.upload_artifact(
            self.id, local_path, artifact_path, project=self.project
        )

    def log_artifacts(
        self, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[ArtifactWritten]:
        return self.client.runs.upload_artifacts(
            self.id, local_dir, artifact_path, project=self.project
        )

    def log_text(self, text: str, artifact_file: str) -> ArtifactWritten:
        return self.client.runs.upload_bytes(
            self.id, artifact_file, text.encode(), project=self.project
        )

    def log_dict(self, dictionary: Any, artifact_file: str) -> ArtifactWritten:
        """Save a dictionary as JSON, or YAML when the file ends in .yaml or .yml."""
        data = dict_bytes(dictionary, artifact_file)
        return self.client.runs.upload_bytes(self.id, artifact_file, data, project=self.project)

    def log_figure(self, figure: Any, artifact_file: str) -> ArtifactWritten:
        """Save a matplotlib (or plotly) figure; the extension picks the format (png...)."""
        data = figure_bytes(figure, artifact_file)
        return self.client.runs.upload_bytes(self.id, artifact_file, data, project=self.project)

    # Lifecycle

    def flush(self) -> None:
        """Send every buffered metric now."""
        self._metrics.flush()

    def refresh(self) -> Run:
        """Read the run back from the platform (after flushing), e.g. to see its metrics."""
        self.flush()
        self.info = self.client.runs.get(self.id, project=self.project)
        return self.info

    def end(self, status: str = "FINISHED") -> None:
        """Flush and end the run with a status; ending twice does nothing."""
        if self._ended:
            return
        self._ended = True
        try:
            if self._system is not None:
                self._system.stop()
            self._metrics.close()
        finally:
            try:
                self.info = self.client.runs.end(self.id, status, project=self.project)
            finally:
                if self._on_end is not None:
                    self._on_end(self)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error_type is None:
            self.end("FINISHED")
            return
        status = "KILLED" if issubclass(error_type, KeyboardInterrupt) else "FAILED"
        try:
            self.end(status)
        except Exception:
            # The block's own exception matters more than a failure to record its end.
            logger.warning("could not end run %s as %s", self.id, status, exc_info=True)
