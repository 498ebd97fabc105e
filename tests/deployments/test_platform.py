"""A canary as users run one: `mlplane up`, real traffic, a new version that raises."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane
from mlplane.registry.packaging import save_model
from tests.deployments.conftest import FEATURES, LABELS
from tests.harness.platform import RunningPlatform, run_platform

pytestmark = pytest.mark.platform

# A model that only answers for the ages it was built for; the traffic below is outside them.
BROKEN_MODEL = """
class AgeBoundModel:
    def predict(self, frame):
        if (frame["age"] > 100).any():
            raise ValueError("age out of range")
        return [0] * len(frame)
"""


def _infer(platform: RunningPlatform, name: str) -> int:
    body = {
        "inputs": [
            {"name": "age", "shape": [2], "datatype": "FP64", "data": [120.0, 130.0]},
            {"name": "income", "shape": [2], "datatype": "FP64", "data": [1.0, 6.0]},
        ]
    }
    response = httpx.post(
        f"{platform.gateway_url}/v2/models/{name}/infer",
        json=body,
        headers={"Authorization": f"Bearer {platform.token}"},
        timeout=30,
    )
    return response.status_code


def _models(root: Path) -> tuple[Path, Path]:
    good = root / "good-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), good, input_example=FEATURES.head(2))
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
    return good, broken


def test_failing_canary_under_real_traffic_is_rolled_back(tmp_path: Path) -> None:
    good, broken = _models(tmp_path)
    trust = {"MLPLANE_MODELS_ALLOW_PICKLE": "1"}
    with (
        run_platform(tmp_path / "home", env=trust) as running,
        mlplane.Client(url=running.url, token=running.token) as admin,
    ):
        admin.projects.create("shop")
        admin.models.register("churn", str(good), project="shop")
        admin.models.register("churn", str(broken), project="shop")
        strategy = {
            "type": "canary",
            "step_weight": 50,
            "max_weight": 50,
            "interval": 3,
            "threshold": 2,
            "min_success_rate": 0.9,
            "min_requests": 3,
        }
        admin.deployments.create("churn-api", "models:/churn/1", strategy=strategy, project="shop")
        rollout = admin.deployments.update("churn-api", model="models:/churn/2", project="shop")
        assert rollout.candidate is not None
        statuses: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            statuses.add(_infer(running, "churn-api"))
            deployment = admin.deployments.get("churn-api", project="shop")
            if deployment.status == "stable":
                break
            time.sleep(0.05)
        assert deployment.outcome == "rolled_back", running.log.read_text()[-3000:]
        assert 500 in statuses  # the canary did get traffic, and failed it
        checks = [
            event
            for event in admin.deployments.events("churn-api", project="shop")
            if event.kind == "check" and event.details["verdict"] == "failed"
        ]
        assert len(checks) == 2
        assert all(check.details["errors"] > 0 for check in checks)
