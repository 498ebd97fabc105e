"""The worker's pipeline loops inside a real `mlplane up`: an event starts a pipeline."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pytest

import mlplane
from mlplane.pipelines.schemas import RunState
from tests.harness.platform import run_platform

pytestmark = pytest.mark.platform

FLOW = """
from mlplane.pipelines.dsl import pipeline, step

@step(cache=False)
def describe(dataset: str, version: int) -> str:
    return f"{dataset}@{version}"

@pipeline
def on_data(dataset: str = "", version: int = 0) -> str:
    return describe(dataset, version)
"""


def test_new_dataset_version_starts_triggered_pipeline(
    home: Path, tmp_path: Path, database_url: str
) -> None:
    flow = tmp_path / "flow.py"
    flow.write_text(FLOW)
    with (
        run_platform(home, env={"MLPLANE_DATABASE_URL": database_url}) as platform,
        mlplane.Client(url=platform.url, token=platform.token) as client,
    ):
        client.projects.create("events")
        client.pipelines.create_trigger(
            "events",
            "on-orders",
            f"{flow}:on_data",
            "data.version.created",
            match={"dataset": "orders"},
            param_map={"dataset": "dataset", "version": "version"},
        )
        client.datasets.push(pa.table({"id": [1, 2, 3]}), "orders", project="events")
        deadline = time.monotonic() + 120
        runs = []
        while time.monotonic() < deadline:
            runs = client.pipelines.list_runs("events")
            if runs and runs[0].state.is_terminal:
                break
            time.sleep(0.5)
        assert [run.state for run in runs] == [RunState.SUCCEEDED], platform.log.read_text()[-3000:]
        assert runs[0].params == {"dataset": "orders", "version": 1}
        assert runs[0].origin == "trigger"
        output = client.pipelines.get_step_output("events", runs[0].id, "describe")
        assert output.output_format == "json"
