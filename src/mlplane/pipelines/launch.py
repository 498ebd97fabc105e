"""`python -m mlplane.pipelines.launch PROJECT RUN_ID`: run a queued run from its source.

The worker starts one such process per queued run, so a scheduled or triggered pipeline
runs with its own imports and never inside the worker's loops. The run carries the run
options of the schedule or trigger that queued it: which executor its steps go to.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from mlplane.pipelines.executor import Executor, get_executor
from mlplane.pipelines.loader import load_pipeline
from mlplane.pipelines.runner import PipelineResult, default_client, run_pipeline

if TYPE_CHECKING:
    from mlplane.pipelines.recording import RunRecorder


def launch(project: str, run_id: str, client: RunRecorder | None = None) -> PipelineResult:
    client = client or default_client()
    queued = client.pipelines.get_run(project, run_id)
    options = queued.run_options
    # The run cannot start without its pipeline or its executor: record why instead of
    # leaving it queued forever.
    try:
        pipeline = load_pipeline(queued.source)
    except Exception as error:
        client.pipelines.finish_run(
            project, run_id, "failed", f"cannot load {queued.source!r}: {error}"
        )
        raise
    try:
        executor: Executor = get_executor(options.executor.value, options.address)
    except Exception as error:
        where = f" at {options.address}" if options.address else ""
        client.pipelines.finish_run(
            project,
            run_id,
            "failed",
            f"cannot reach the {options.executor.value} executor{where}: {error}",
        )
        raise
    return run_pipeline(
        pipeline,
        queued.params,
        project=project,
        client=client,
        queued_run_id=run_id,
        executor=executor,
    )


def main() -> None:
    project, run_id = sys.argv[1], sys.argv[2]
    result = launch(project, run_id)
    sys.exit(0 if result.state.value == "succeeded" else 1)


if __name__ == "__main__":
    main()
