"""Run an attempt on a Ray cluster through the Ray Jobs API.

Resources map to the entrypoint's: `cpu` to `entrypoint_num_cpus`, `gpu` to
`entrypoint_num_gpus`, `memory` to `entrypoint_memory` (bytes), custom ones to
`entrypoint_resources`. Requirements become the runtime environment's `pip` list, the
working folder is uploaded, and the image is recorded in the submission's metadata.
"""

from __future__ import annotations

from typing import Any

from mlplane.compute.executors.base import MAX_LINE, LaunchRequest
from mlplane.compute.executors.commands import job_command, shell_line

_EXIT_CODES = {"SUCCEEDED": 0, "FAILED": 1, "STOPPED": 143}


def _client(address: str) -> Any:
    try:
        from ray.job_submission import JobSubmissionClient
    except ImportError as error:
        raise RuntimeError("ray pools need Ray: pip install 'mlplane[ray]'") from error
    return JobSubmissionClient(address)


def submission_id(job_id: str, attempt: int) -> str:
    return f"mlplane-{job_id}-{attempt}"


class RayExecution:
    def __init__(self, request: LaunchRequest) -> None:
        if not request.address:
            raise RuntimeError("the pool has no Ray address")
        spec = request.spec
        runtime_env: dict[str, Any] = {"env_vars": dict(request.env)}
        if spec.environment.requirements:
            runtime_env["pip"] = list(spec.environment.requirements)
        if spec.working_dir:
            runtime_env["working_dir"] = spec.working_dir
        metadata = {"mlplane_job_id": request.job_id, "mlplane_attempt": str(request.attempt)}
        if spec.environment.image:
            metadata["image"] = spec.environment.image
        self._client = _client(request.address)
        self.external_id = self._client.submit_job(
            entrypoint=shell_line(job_command(spec)),
            submission_id=submission_id(request.job_id, request.attempt),
            runtime_env=runtime_env,
            metadata=metadata,
            entrypoint_num_cpus=spec.resources.cpu,
            entrypoint_num_gpus=spec.resources.gpu or None,
            entrypoint_memory=spec.resources.memory_bytes,
            entrypoint_resources=dict(spec.resources.custom) or None,
        )
        self._consumed = 0
        self._partial = ""
        self._ended: int | None = None

    def poll(self) -> int | None:
        if self._ended is not None:
            return self._ended
        status = str(self._client.get_job_status(self.external_id))
        status = status.rsplit(".", 1)[-1]
        if status in _EXIT_CODES:
            self._ended = _EXIT_CODES[status]
        return self._ended

    def drain_output(self) -> list[tuple[str, str]]:
        text = self._client.get_job_logs(self.external_id)
        fresh = self._partial + text[self._consumed :]
        self._consumed = len(text)
        *complete, self._partial = fresh.split("\n")
        if self._ended is not None and self._partial:
            complete.append(self._partial)
            self._partial = ""
        return [("stdout", line.rstrip("\r")[:MAX_LINE]) for line in complete]

    def memory_bytes(self) -> int | None:
        return None

    def stop(self) -> None:
        self._client.stop_job(self.external_id)


def stop_submission(address: str, external_id: str) -> None:
    """Stop a submission a dead worker left running on the cluster."""
    _client(address).stop_job(external_id)
