from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.core.settings import load_settings
from mlplane.deployments.rollout import advance_due
from mlplane.server.platform import Platform
from mlplane.serving.desired_store import database_source
from tests.deployments.conftest import Controller

CANARY: dict[str, Any] = {
    "type": "canary",
    "step_weight": 20,
    "max_weight": 60,
    "interval": 30,
    "threshold": 2,
    "min_success_rate": 0.95,
    "max_p99_ms": 100,
}


def _served(client: mlplane.Client, project: str, name: str) -> dict[str, int]:
    return {
        model.version: model.weight
        for model in client.serving.list(project=project)
        if model.name == name
    }


def _start_canary(client: mlplane.Client, project: str) -> str:
    client.deployments.create("churn-api", "models:/churn/1", strategy=CANARY, project=project)
    started = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert started.status == "progressing"
    assert started.candidate is not None
    return started.candidate.revision


def test_canary_starts_at_the_step_weight(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    canary = _start_canary(client, project)
    deployment = client.deployments.get("churn-api", project=project)
    assert deployment.stable is not None
    assert _served(client, project, "churn-api") == {deployment.stable.revision: 80, canary: 20}


def test_canary_with_errors_is_rolled_back_after_threshold_checks(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    canary = _start_canary(client, project)
    stable = client.deployments.get("churn-api", project=project).stable
    assert stable is not None
    now = controller.due("churn-api")
    controller.log_calls("churn-api", canary, now, count=40, errors=10)
    assert controller.tick(now) == 1
    first = client.deployments.get("churn-api", project=project)
    assert (first.status, first.failed_checks) == ("progressing", 1)
    assert first.candidate is not None
    assert first.candidate.weight == 20

    now = controller.due("churn-api")
    controller.log_calls("churn-api", canary, now, count=40, errors=10)
    controller.tick(now)
    done = client.deployments.get("churn-api", project=project)
    assert (done.status, done.outcome, done.candidate) == ("stable", "rolled_back", None)
    assert _served(client, project, "churn-api") == {stable.revision: 100}

    history = client.deployments.events("churn-api", project=project)
    checks = [event for event in history if event.kind == "check"]
    assert [check.details["verdict"] for check in checks] == ["failed", "failed"]
    assert checks[0].details["requests"] == 40
    assert checks[0].details["errors"] == 10
    assert checks[0].details["success_rate"] == pytest.approx(0.75)
    assert history[-1].kind == "rolled_back"
    assert history[-1].details["failed_checks"] == 2


def test_canary_that_passes_steps_up_then_promotes(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    canary = _start_canary(client, project)
    weights = []
    for _ in range(3):
        now = controller.due("churn-api")
        controller.log_calls("churn-api", canary, now, count=50)
        controller.tick(now)
        deployment = client.deployments.get("churn-api", project=project)
        weights.append(deployment.candidate.weight if deployment.candidate else None)
    assert weights == [40, 60, None]
    done = client.deployments.get("churn-api", project=project)
    assert (done.status, done.outcome) == ("stable", "promoted")
    assert done.stable is not None
    assert done.stable.model_version == 2
    assert _served(client, project, "churn-api") == {canary: 100}
    kinds = [event.kind for event in client.deployments.events("churn-api", project=project)]
    assert kinds[-6:] == ["check", "step", "check", "step", "check", "promoted"]


def test_canary_with_slow_answers_fails_its_check(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    canary = _start_canary(client, project)
    now = controller.due("churn-api")
    controller.log_calls("churn-api", canary, now, count=20, latency_ms=250.0)
    controller.tick(now)
    check = client.deployments.events("churn-api", project=project)[-1]
    assert check.details["verdict"] == "failed"
    assert check.details["p99_ms"] == 250.0
    assert "p99" in check.message


def test_canary_without_calls_waits(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    _start_canary(client, project)
    now = controller.due("churn-api")
    controller.tick(now)
    deployment = client.deployments.get("churn-api", project=project)
    assert deployment.candidate is not None
    assert deployment.candidate.weight == 20
    assert deployment.failed_checks == 0
    assert client.deployments.events("churn-api", project=project)[-1].details["verdict"] == (
        "inconclusive"
    )


def test_paused_canary_is_left_alone_until_resumed(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    canary = _start_canary(client, project)
    now = controller.due("churn-api")
    client.deployments.pause("churn-api", project=project)
    controller.log_calls("churn-api", canary, now, count=50)
    assert controller.tick(now) == 0
    resumed = client.deployments.resume("churn-api", project=project)
    assert resumed.status == "progressing"
    now = controller.due("churn-api")
    controller.log_calls("churn-api", canary, now, count=50)
    controller.tick(now)
    deployment = client.deployments.get("churn-api", project=project)
    assert deployment.candidate is not None
    assert deployment.candidate.weight == 40


def test_manual_promote_and_abort(
    client: mlplane.Client, project: str, versions: list[int]
) -> None:
    canary = _start_canary(client, project)
    promoted = client.deployments.promote("churn-api", project=project)
    assert promoted.stable is not None
    assert promoted.stable.revision == canary
    assert _served(client, project, "churn-api") == {canary: 100}

    client.models.set_alias("churn", "old", 1, project=project)
    again = client.deployments.update("churn-api", model="models:/churn@old", project=project)
    assert again.candidate is not None
    with pytest.raises(ApiError) as raised:
        client.deployments.update("churn-api", model="models:/churn/1", project=project)
    assert raised.value.status == 409
    aborted = client.deployments.abort("churn-api", project=project)
    assert (aborted.outcome, aborted.candidate) == ("aborted", None)
    assert _served(client, project, "churn-api") == {canary: 100}


def test_rollout_resumes_with_a_new_controller_process(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller, home: Path
) -> None:
    canary = _start_canary(client, project)
    now = controller.due("churn-api")
    controller.log_calls("churn-api", canary, now, count=50)
    restarted = Platform(load_settings(home))
    try:
        assert advance_due(restarted.db, now) == 1
    finally:
        restarted.close()
    deployment = client.deployments.get("churn-api", project=project)
    assert deployment.candidate is not None
    assert deployment.candidate.weight == 40


def test_blue_green_switches_then_scales_down(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    strategy = {"type": "blue_green", "scale_down_delay": 120}
    first = client.deployments.create(
        "churn-api", "models:/churn/1", strategy=strategy, project=project
    )
    assert first.stable is not None
    blue = first.stable.revision
    loaded = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert loaded.candidate is not None
    green = loaded.candidate.revision
    assert _served(client, project, "churn-api") == {blue: 100, green: 0}

    controller.tick(controller.due("churn-api"))
    switched = client.deployments.get("churn-api", project=project)
    assert (switched.status, switched.outcome) == ("scaling_down", "promoted")
    assert _served(client, project, "churn-api") == {green: 100, blue: 0}

    scale_down_at = controller.due("churn-api")
    assert switched.scale_down_at == scale_down_at
    controller.tick(scale_down_at)
    done = client.deployments.get("churn-api", project=project)
    assert done.status == "stable"
    assert _served(client, project, "churn-api") == {green: 100}
    kinds = [event.kind for event in client.deployments.events("churn-api", project=project)]
    assert kinds[-3:] == ["rollout_started", "promoted", "scaled_down"]


def test_blue_green_analysis_failure_rolls_back(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    strategy = {"type": "blue_green", "analysis": True, "interval": 10, "threshold": 1}
    client.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project=project)
    loaded = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert loaded.candidate is not None
    assert loaded.stable is not None
    now = controller.due("churn-api")
    controller.log_calls("churn-api", loaded.candidate.revision, now, count=10, errors=5)
    controller.tick(now)
    done = client.deployments.get("churn-api", project=project)
    assert (done.status, done.outcome) == ("stable", "rolled_back")
    assert _served(client, project, "churn-api") == {loaded.stable.revision: 100}


def test_blue_green_without_auto_promote_waits_for_promote(
    client: mlplane.Client, project: str, versions: list[int], controller: Controller
) -> None:
    strategy = {"type": "blue_green", "auto_promote": False, "scale_down_delay": 0}
    client.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project=project)
    loaded = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert loaded.candidate is not None
    controller.tick(controller.due("churn-api"))
    waiting = client.deployments.get("churn-api", project=project)
    assert (waiting.status, waiting.next_check_at) == ("progressing", None)
    done = client.deployments.promote("churn-api", project=project)
    assert done.status == "stable"
    assert _served(client, project, "churn-api") == {loaded.candidate.revision: 100}


SHADOW: dict[str, Any] = {
    "type": "shadow",
    "percent": 30,
    "interval": 30,
    "threshold": 2,
    "min_success_rate": 0.95,
    "max_p99_ms": 100,
}


def _desired(platform: Platform, name: str) -> dict[str, tuple[int, int]]:
    """version -> (weight, mirror percent), as the gateway reads its desired state."""
    return {
        model.version: (model.weight, model.mirror_percent)
        for model in database_source(platform.db)()
        if model.name == name
    }


def _start_shadow(client: mlplane.Client, project: str) -> tuple[str, str]:
    client.deployments.create("churn-api", "models:/churn/1", strategy=SHADOW, project=project)
    started = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert started.status == "progressing"
    assert started.stable is not None
    assert started.candidate is not None
    assert (started.candidate.weight, started.candidate.mirror_percent) == (0, 30)
    return started.stable.revision, started.candidate.revision


def test_shadow_gets_copies_only_and_waits_for_a_manual_promote(
    client: mlplane.Client,
    project: str,
    versions: list[int],
    controller: Controller,
    platform: Platform,
) -> None:
    stable, shadow = _start_shadow(client, project)
    assert _desired(platform, "churn-api") == {stable: (100, 0), shadow: (0, 30)}
    for _ in range(2):
        now = controller.due("churn-api")
        controller.log_calls("churn-api", shadow, now, count=30, latency_ms=8.0, shadow=True)
        assert controller.tick(now) == 1
    running = client.deployments.get("churn-api", project=project)
    assert (running.status, running.failed_checks) == ("progressing", 0)
    assert running.stable is not None
    assert running.stable.revision == stable  # passing checks never promote a shadow
    check = client.deployments.events("churn-api", project=project)[-1]
    assert (check.kind, check.details["verdict"]) == ("check", "passed")
    assert (check.details["requests"], check.details["success_rate"]) == (30, 1.0)
    assert check.details["p99_ms"] == 8.0
    promoted = client.deployments.promote("churn-api", project=project)
    assert promoted.stable is not None
    assert (promoted.stable.revision, promoted.candidate) == (shadow, None)
    assert _desired(platform, "churn-api") == {shadow: (100, 0)}


def test_shadow_failing_its_checks_is_removed_and_abort_removes_one(
    client: mlplane.Client,
    project: str,
    versions: list[int],
    controller: Controller,
    platform: Platform,
) -> None:
    stable, shadow = _start_shadow(client, project)
    for _ in range(2):
        now = controller.due("churn-api")
        controller.log_calls("churn-api", shadow, now, count=20, errors=5, shadow=True)
        controller.tick(now)
    removed = client.deployments.get("churn-api", project=project)
    assert (removed.status, removed.outcome, removed.candidate) == ("stable", "rolled_back", None)
    assert _desired(platform, "churn-api") == {stable: (100, 0)}
    checks = [
        e for e in client.deployments.events("churn-api", project=project) if e.kind == "check"
    ]
    assert [check.details["errors"] for check in checks] == [5, 5]
    assert checks[-1].details["success_rate"] == pytest.approx(0.75)

    again = client.deployments.update("churn-api", model="models:/churn/2", project=project)
    assert again.candidate is not None
    aborted = client.deployments.abort("churn-api", project=project)
    assert (aborted.outcome, aborted.candidate) == ("aborted", None)
    assert _desired(platform, "churn-api") == {stable: (100, 0)}
