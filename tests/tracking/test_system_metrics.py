from __future__ import annotations

import time

import mlplane
from mlplane.tracking.system_metrics import SystemSampler


def test_sampler_reads_cpu_memory_disk_and_network() -> None:
    sample = SystemSampler().sample()

    assert 0 <= sample["system/cpu_utilization_percentage"] <= 100
    assert sample["system/system_memory_usage_megabytes"] > 0
    assert 0 < sample["system/system_memory_usage_percentage"] <= 100
    assert sample["system/disk_usage_megabytes"] > 0
    assert sample["system/network_receive_megabytes"] >= 0


def test_run_logs_system_metrics_when_asked(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(
        experiment="e",
        project=project,
        client=client,
        log_system_metrics=True,
        system_metrics_interval=0.1,
    ) as run:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            run.flush()
            if (
                "system/cpu_utilization_percentage"
                in client.runs.get(run.id, project=project).metrics
            ):
                break
            time.sleep(0.1)

    stored = client.runs.get(run.id, project=project)
    history = client.runs.metric_history(
        run.id, "system/system_memory_usage_megabytes", project=project
    )
    assert "system/disk_usage_percentage" in stored.metrics
    assert history.total >= 1
    assert [point.step for point in history.points] == list(range(history.total))


def test_run_logs_no_system_metrics_by_default(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        run.log_metric("loss", 1.0)
        time.sleep(0.3)

    assert set(client.runs.get(run.id, project=project).metrics) == {"loss"}
