"""`python -m mlplane.pipelines.launch PROJECT RUN_ID`: run a queued run from its source.

The worker starts one such process per queued run, so a scheduled or triggered pipeline
runs with its own imports and never inside the worker's loops.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from mlplane.pipelines.loader import load_pipeline
from mlplane.pipelines.runner import PipelineResult, default_client, run_pipeline

if TYPE_CHECKING:
    from mlplane.client.client import Client


def launch(project: str, run_id: str, client: Client | None = None) -> PipelineResult:
    client = client or default_client()
    queued = client.pipelines.get_run(project, run_id)
    try:
        pipeline = load_pipeline(queued.source)
    except Exception as error:
        # The run cannot even start: record why instead of leaving it queued forever.
        client.pipelines.finish_run(
            project, run_id, "failed", f"cannot load {queued.source!r}: {error}"
        )
        raise
    return run_pipeline(
        pipeline, queued.params, project=project, client=client, queued_run_id=run_id
    )


def main() -> None:
    project, run_id = sys.argv[1], sys.argv[2]
    result = launch(project, run_id)
    sys.exit(0 if result.state.value == "succeeded" else 1)


if __name__ == "__main__":
    main()
