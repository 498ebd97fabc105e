"""Rollouts as users run them: `mlplane up`, a client calling all along, and every answer
counted: a canary that raises, a good one promoted across a worker crash, a shadow.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane
from mlplane.deployments.schemas import Deployment
from mlplane.registry.packaging import save_model
from tests.deployments.conftest import FEATURES, LABELS
from tests.harness.platform import RunningPlatform, run_platform

# Each test starts a platform and rolls out under load on a machine that may have two cores.
pytestmark = [pytest.mark.platform, pytest.mark.timeout(300)]

# A model that only answers for the ages it was built for; the traffic below is outside them.
BROKEN_MODEL = """
class AgeBoundModel:
    def predict(self, frame):
        if (frame["age"] > 100).any():
            raise ValueError("age out of range")
        return [0] * len(frame)
"""


@dataclass(frozen=True)
class Answer:
    status: int
    version: str | None  # the served version that answered, when the gateway says


def _infer(http: httpx.Client, name: str) -> Answer:
    body = {
        "inputs": [
            {"name": "age", "shape": [2], "datatype": "FP64", "data": [120.0, 130.0]},
            {"name": "income", "shape": [2], "datatype": "FP64", "data": [1.0, 6.0]},
        ]
    }
    response = http.post(f"/v2/models/{name}/infer", json=body)
    document = response.json()
    if response.status_code == 200:
        return Answer(200, document["model_version"])
    failed = re.search(r"version '([^']+)'", document.get("error", ""))
    return Answer(response.status_code, failed.group(1) if failed else None)


class Traffic:
    """A client calling the deployment in a loop until `until` holds, keeping every answer."""

    def __init__(self, platform: RunningPlatform, admin: mlplane.Client, name: str) -> None:
        self.platform = platform
        self.admin = admin
        self.name = name
        self.answers: list[Answer] = []
        self.http = httpx.Client(
            base_url=platform.gateway_url,
            headers={"Authorization": f"Bearer {platform.token}"},
            timeout=30,
        )

    def serves(self, version: str) -> bool:
        ready = self.http.get(f"/v2/models/{self.name}/versions/{version}/ready")
        return ready.status_code == 200

    def run(self, until: Callable[[Deployment], bool], timeout: float = 120) -> Deployment:
        deadline = time.monotonic() + timeout
        while True:
            self.answers.append(_infer(self.http, self.name))
            deployment = self.admin.deployments.get(self.name, project="shop")
            if until(deployment) or time.monotonic() > deadline:
                return deployment
            time.sleep(0.02)

    def wait_served(self, timeout: float = 60) -> None:
        """Until the gateway has loaded the deployment (it polls its desired state)."""
        deadline = time.monotonic() + timeout
        while _infer(self.http, self.name).status != 200:
            assert time.monotonic() < deadline, self.platform.log.read_text()[-3000:]
            time.sleep(0.1)

    def count(self, status: int, version: str | None = None) -> int:
        return sum(
            1
            for answer in self.answers
            if answer.status == status and (version is None or answer.version == version)
        )


def _models(root: Path) -> tuple[Path, Path, Path]:
    """A good model, one that raises for the traffic's ages, and another good one."""
    good = root / "good-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), good, input_example=FEATURES.head(2))
    better = root / "better-model"
    save_model(
        LogisticRegression(C=2.0).fit(FEATURES, LABELS), better, input_example=FEATURES.head(2)
    )
    code = root / "code"
    code.mkdir()
    (code / "age_bound_model.py").write_text(BROKEN_MODEL)
    sys.path.insert(0, str(code))
    try:
        from age_bound_model import AgeBoundModel  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(code))
    broken = root / "broken-model"
    save_model(
        AgeBoundModel(),
        broken,
        input_example=FEATURES.head(2),
        code_paths=[code / "age_bound_model.py"],
    )
    return good, broken, better


@contextmanager
def _platform_with_versions(
    home: Path, database_url: str, *models: Path
) -> Iterator[tuple[RunningPlatform, mlplane.Client, Traffic]]:
    env = {"MLPLANE_MODELS_ALLOW_PICKLE": "1", "MLPLANE_DATABASE_URL": database_url}
    with (
        run_platform(home, env=env) as running,
        mlplane.Client(url=running.url, token=running.token) as admin,
    ):
        admin.projects.create("shop")
        for model in models:
            admin.models.register("churn", str(model), project="shop")
        traffic = Traffic(running, admin, "churn-api")
        try:
            yield running, admin, traffic
        finally:
            traffic.http.close()


ANALYSIS = {"interval": 2, "threshold": 2, "min_success_rate": 0.9, "min_requests": 3}


def test_failing_canary_under_real_traffic_is_rolled_back_without_dropping_calls(
    tmp_path: Path, home: Path, database_url: str
) -> None:
    good, broken, _ = _models(tmp_path)
    with _platform_with_versions(home, database_url, good, broken) as (running, admin, traffic):
        strategy = {"type": "canary", "step_weight": 50, "max_weight": 50, **ANALYSIS}
        admin.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project="shop")
        traffic.wait_served()
        rollout = admin.deployments.update("churn-api", model="models:/churn/2", project="shop")
        assert rollout.stable is not None
        assert rollout.candidate is not None
        stable, canary = rollout.stable.revision, rollout.candidate.revision
        done = traffic.run(lambda deployment: deployment.status == "stable")
        assert done.outcome == "rolled_back", running.log.read_text()[-3000:]
        traffic.run(lambda _: not traffic.serves(canary))
        after = len(traffic.answers)
        traffic.run(lambda _: len(traffic.answers) >= after + 20)
        # Every call was answered: the stable version's all with 200, and server errors came
        # from the canary only, none once the gateway dropped it.
        assert traffic.count(500, canary) > 0
        assert traffic.count(200, stable) + traffic.count(500, canary) == len(traffic.answers)
        assert all(answer == Answer(200, stable) for answer in traffic.answers[after:])
        checks = [
            event
            for event in admin.deployments.events("churn-api", project="shop")
            if event.kind == "check" and event.details["verdict"] == "failed"
        ]
        assert len(checks) == 2
        assert all(check.details["errors"] > 0 for check in checks)


def test_good_canary_steps_up_and_promotes_across_a_worker_restart(
    tmp_path: Path, home: Path, database_url: str
) -> None:
    good, _, better = _models(tmp_path)
    with _platform_with_versions(home, database_url, good, better) as (running, admin, traffic):
        strategy = {"type": "canary", "step_weight": 25, "max_weight": 50, **ANALYSIS}
        admin.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project="shop")
        traffic.wait_served()
        rollout = admin.deployments.update("churn-api", model="models:/churn/2", project="shop")
        assert rollout.candidate is not None
        canary = rollout.candidate.revision
        stepped = traffic.run(lambda d: d.candidate is not None and d.candidate.weight == 50)
        assert stepped.status == "progressing", running.log.read_text()[-3000:]
        worker = running.children()["worker"]
        os.kill(worker, signal.SIGKILL)
        seen = len(admin.deployments.events("churn-api", project="shop"))
        done = traffic.run(lambda deployment: deployment.status == "stable")
        assert done.outcome == "promoted", running.log.read_text()[-3000:]
        assert done.stable is not None
        assert (done.stable.revision, done.stable.model_version) == (canary, 2)
        assert running.children()["worker"] != worker  # the supervisor started a new one
        later = admin.deployments.events("churn-api", project="shop")[seen:]
        assert [event.kind for event in later][-2:] == ["check", "promoted"]
        assert traffic.count(200) == len(traffic.answers)
        assert traffic.count(200, canary) > 0


def test_shadow_under_real_traffic_never_changes_the_answer(
    tmp_path: Path, home: Path, database_url: str
) -> None:
    good, broken, _ = _models(tmp_path)
    with _platform_with_versions(home, database_url, good, broken) as (running, admin, traffic):
        strategy = {"type": "shadow", "percent": 100, **ANALYSIS}
        admin.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project="shop")
        traffic.wait_served()
        rollout = admin.deployments.update("churn-api", model="models:/churn/2", project="shop")
        assert rollout.stable is not None
        stable = rollout.stable.revision
        done = traffic.run(lambda deployment: deployment.status == "stable")
        # The shadow failed every copy it got: its checks removed it, and no caller saw it.
        assert done.outcome == "rolled_back", running.log.read_text()[-3000:]
        assert traffic.answers
        assert all(answer == Answer(200, stable) for answer in traffic.answers)
        checks = [
            event.details
            for event in admin.deployments.events("churn-api", project="shop")
            if event.kind == "check" and event.details["verdict"] == "failed"
        ]
        assert len(checks) == 2
        assert all(check["errors"] == check["requests"] > 0 for check in checks)
        assert all(check["success_rate"] == 0.0 for check in checks)
