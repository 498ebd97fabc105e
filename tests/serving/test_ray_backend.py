"""Served versions on Ray Serve (`[deployments] backend = "ray"`) of a real local cluster.

The gateway in these tests is the test process itself: it joins the cluster as a driver,
so a test can look at (and break) the Serve applications the gateway made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import mlplane
from mlplane.core.settings import load_settings
from mlplane.serving.app import create_gateway_app
from mlplane.serving.desired import DesiredModel
from mlplane.serving.loading import ModelLoader
from mlplane.serving.ray_backend import RayServeLoader, app_name
from mlplane.serving.ray_backend.options import ReplicaOptions
from tests.harness.ports import free_port
from tests.harness.ray import gcs_address, ray_cluster
from tests.harness.services import require_service
from tests.serving.conftest import Gate

# Cluster start, joining it and the first deployment take a while on a small machine.
pytestmark = pytest.mark.timeout(300)

AGES = [22.0, 35.0, 47.0, 51.0, 62.0, 29.0, 40.0, 58.0]
INCOMES = [1.0, 2.5, 4.0, 4.5, 6.0, 1.5, 3.0, 5.5]


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    try:
        cluster = ray_cluster()
        dashboard = cluster.__enter__()
    except (OSError, RuntimeError, TimeoutError) as error:
        require_service("Ray", str(error))
        raise
    try:
        yield gcs_address(dashboard)
    finally:
        cluster.__exit__(None, None, None)


def configure_ray(home: Path, address: str) -> None:
    (home / "mlplane.toml").write_text(
        f'[deployments]\nbackend = "ray"\nray_address = "{address}"\n\n'
        # One small replica: the test cluster shares a couple of cores with everything else.
        "[deployments.ray_resources]\nreplicas = 1\ncpu = 0.1\n"
    )


@pytest.fixture
def ray_gateway(home: Path, token: str) -> Iterator[Callable[[], Gate]]:
    """A gateway following the platform's served models, with the settings of `home`."""
    opened: list[TestClient] = []

    def start() -> Gate:
        app = create_gateway_app(load_settings(home), sync_interval=3600)
        http = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        http.__enter__()
        opened.append(http)
        return Gate(http, [])

    yield start
    for http in opened:
        http.__exit__(None, None, None)


def applications() -> dict[str, Any]:
    from ray import serve

    return dict(serve.status().applications)


def infer_body(ages: list[float], incomes: list[float]) -> dict[str, Any]:
    return {
        "inputs": [
            {"name": "age", "datatype": "FP64", "shape": [len(ages)], "data": ages},
            {"name": "income", "datatype": "FP64", "shape": [len(incomes)], "data": incomes},
        ]
    }


def loader_of(gate: Gate) -> ModelLoader:
    loader: ModelLoader = gate.http.app.state.loader  # type: ignore[attr-defined]
    return loader


def test_served_version_runs_on_ray_serve_and_answers_as_in_process(
    ray_address: str,
    ray_gateway: Callable[[], Gate],
    gateway: Callable[..., Gate],
    client: mlplane.Client,
    project: str,
    home: Path,
    token: str,
    columns_model: str,
) -> None:
    configure_ray(home, ray_address)
    client.serving.add("churn", columns_model, version="1", project=project)
    gate = ray_gateway()
    loader = loader_of(gate)
    assert isinstance(loader.load, RayServeLoader)
    assert loader.failures == {}
    served = applications()
    assert served[app_name("churn", "1")].status == "RUNNING"
    deployment = served[app_name("churn", "1")].deployments["model"]
    assert deployment.status == "HEALTHY"
    import ray

    # One replica reserving the configured tenth of a CPU.
    assert ray.cluster_resources()["CPU"] - ray.available_resources()["CPU"] == pytest.approx(0.1)

    body = infer_body(AGES, INCOMES)
    on_ray = gate.http.post("/v2/models/churn/infer", json=body)
    in_process = gateway([DesiredModel("churn", "1", columns_model, project)], token=token)
    local = in_process.http.post("/v2/models/churn/infer", json=body)
    assert on_ray.status_code == 200, on_ray.text
    assert local.status_code == 200, local.text
    assert on_ray.json() == local.json()
    assert sorted(on_ray.json()["outputs"][0]["data"]) != [0] * len(AGES)  # both classes
    # The gateway still checks inputs itself: a missing column never reaches the cluster.
    missing = gate.http.post(
        "/v2/models/churn/infer",
        json={"inputs": [{"name": "age", "datatype": "FP64", "shape": [1], "data": [30.0]}]},
    )
    assert missing.status_code == 400
    assert "income" in missing.json()["error"]
    metadata = gate.http.get("/v2/models/churn").json()
    assert metadata["platform"] == "mlplane_sklearn"
    assert [tensor["name"] for tensor in metadata["inputs"]] == ["age", "income"]

    client.serving.remove("churn", project=project)
    gate.sync()
    assert gate.http.get("/v2/models/churn/ready").status_code == 404
    assert app_name("churn", "1") not in applications()


def test_lost_serve_application_answers_503(
    ray_address: str,
    ray_gateway: Callable[[], Gate],
    client: mlplane.Client,
    project: str,
    home: Path,
    columns_model: str,
) -> None:
    from ray import serve

    configure_ray(home, ray_address)
    client.serving.add("churn", columns_model, version="2", project=project)
    gate = ray_gateway()
    body = infer_body(AGES[:2], INCOMES[:2])
    assert gate.http.post("/v2/models/churn/infer", json=body).status_code == 200
    serve.delete(app_name("churn", "2"))

    answer = gate.http.post("/v2/models/churn/infer", json=body)
    assert answer.status_code == 503, answer.text
    assert app_name("churn", "2") in answer.json()["error"]
    not_ready = gate.http.get("/v2/models/churn/ready")
    assert (not_ready.status_code, not_ready.json()["ready"]) == (400, False)
    # The next poll deploys the version again.
    gate.sync()
    assert app_name("churn", "2") in applications()
    assert gate.http.post("/v2/models/churn/infer", json=body).status_code == 200
    assert gate.http.get("/v2/models/churn/ready").json()["ready"] is True


def test_unreachable_ray_leaves_the_version_not_ready(
    ray_gateway: Callable[[], Gate],
    client: mlplane.Client,
    project: str,
    home: Path,
    columns_model: str,
) -> None:
    configure_ray(home, f"127.0.0.1:{free_port()}")
    client.serving.add("churn", columns_model, version="1", project=project)
    gate = ray_gateway()
    assert "cannot be reached" in loader_of(gate).failures[("churn", "1")]
    assert gate.http.get("/v2/models/churn/ready").status_code == 404
    answer = gate.http.post("/v2/models/churn/infer", json=infer_body(AGES[:1], INCOMES[:1]))
    assert answer.status_code == 404
    assert gate.http.get("/v2/health/live").status_code == 200


def test_replica_options_layer_version_resources_over_the_defaults() -> None:
    options = ReplicaOptions.from_resources(
        {"replicas": 1, "cpu": 0.5}, {"replicas": 3, "memory": "1Gi", "gpu": 1, "accel": 2}
    )
    assert options.as_dict() == {
        "num_replicas": 3,
        "ray_actor_options": {
            "num_cpus": 0.5,
            "num_gpus": 1.0,
            "memory": 1024**3,
            "resources": {"accel": 2.0},
        },
    }
    with pytest.raises(ValueError, match="replicas"):
        ReplicaOptions.from_resources({"replicas": 0})


def test_unknown_deployments_backend_is_refused(
    ray_gateway: Callable[[], Gate], client: mlplane.Client, home: Path
) -> None:
    (home / "mlplane.toml").write_text('[deployments]\nbackend = "k8s"\n')
    with pytest.raises(ValueError, match="k8s"):
        ray_gateway()
