"""The gateway as users run it: `mlplane up`, models added through the SDK, tritonclient."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import tritonclient.http as triton  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from tritonclient.utils import InferenceServerException  # type: ignore[import-untyped]

import mlplane
from mlplane.registry.packaging import save_model
from tests.harness.platform import RunningPlatform, run_platform
from tests.serving.conftest import FEATURES, LABELS

pytestmark = pytest.mark.platform


def _wait_ready(platform: RunningPlatform, name: str) -> None:
    headers = {"Authorization": f"Bearer {platform.token}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready = httpx.get(f"{platform.gateway_url}/v2/models/{name}/ready", headers=headers)
        if ready.status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"model {name} never became ready on the gateway")


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    root = tmp_path_factory.mktemp("serving-platform")
    model = root / "churn-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), model, input_example=FEATURES.head(2))
    # The model was saved by another home than the platform's: trust its pickles explicitly.
    trust = {"MLPLANE_MODELS_ALLOW_PICKLE": "1"}
    with run_platform(root / "home", env=trust) as running:
        with mlplane.Client(url=running.url, token=running.token) as admin:
            admin.projects.create("shop")
            admin.serving.add("churn", str(model), project="shop")
        _wait_ready(running, "churn")
        yield running


def _triton(platform: RunningPlatform) -> triton.InferenceServerClient:
    return triton.InferenceServerClient(platform.gateway_url.removeprefix("http://"))


def _auth(platform: RunningPlatform) -> dict[str, str]:
    return {"Authorization": f"Bearer {platform.token}"}


def _inputs(binary: bool) -> list[triton.InferInput]:
    inputs = []
    for name, values in (("age", [22.0, 62.0]), ("income", [1.0, 6.0])):
        tensor = triton.InferInput(name, [2], "FP64")
        tensor.set_data_from_numpy(np.array(values), binary_data=binary)
        inputs.append(tensor)
    return inputs


def test_tritonclient_infers_with_binary_data(platform: RunningPlatform) -> None:
    client = _triton(platform)
    assert client.is_server_live()
    assert client.is_model_ready("churn", headers=_auth(platform))
    result = client.infer("churn", _inputs(binary=True), headers=_auth(platform))
    assert result.as_numpy("prediction").tolist() == [0, 1]


def test_tritonclient_infers_with_json(platform: RunningPlatform) -> None:
    client = _triton(platform)
    outputs = [triton.InferRequestedOutput("prediction", binary_data=False)]
    result = client.infer("churn", _inputs(binary=False), outputs=outputs, headers=_auth(platform))
    assert result.as_numpy("prediction").tolist() == [0, 1]
    assert result.get_response()["outputs"][0]["data"] == [0, 1]


def test_tritonclient_reads_model_metadata(platform: RunningPlatform) -> None:
    metadata = _triton(platform).get_model_metadata("churn", headers=_auth(platform))
    assert [tensor["name"] for tensor in metadata["inputs"]] == ["age", "income"]


def test_tritonclient_sees_signature_errors(platform: RunningPlatform) -> None:
    tensor = triton.InferInput("age", [1], "FP64")
    tensor.set_data_from_numpy(np.array([30.0]))
    with pytest.raises(InferenceServerException, match="income"):
        _triton(platform).infer("churn", [tensor], headers=_auth(platform))


def test_gateway_refuses_calls_without_a_role_on_the_project(
    platform: RunningPlatform,
) -> None:
    with mlplane.Client(url=platform.url, token=platform.token) as admin:
        admin.users.create("outsider")
        secret = admin.tokens.create("outsider-token", user="outsider").secret
    body = {"instances": [{"age": 22.0, "income": 1.0}]}
    url = f"{platform.gateway_url}/v1/models/churn:predict"
    assert httpx.post(url, json=body).status_code == 401
    refused = httpx.post(url, json=body, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 404


def test_gateway_exposes_inference_metrics(platform: RunningPlatform) -> None:
    headers = {"Authorization": f"Bearer {platform.token}"}
    body = {"instances": [{"age": 22.0, "income": 1.0}]}
    httpx.post(f"{platform.gateway_url}/v1/models/churn:predict", json=body, headers=headers)
    text = httpx.get(f"{platform.gateway_url}/metrics", headers=headers).text
    assert 'mlplane_inference_requests_total{model="churn",status="200",version="1"}' in text
    assert "mlplane_inference_batch_rows_bucket" in text


def test_serve_remove_stops_serving(platform: RunningPlatform, tmp_path: Path) -> None:
    model = tmp_path / "other-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), model, input_example=FEATURES.head(2))
    with mlplane.Client(url=platform.url, token=platform.token) as admin:
        admin.serving.add("other", str(model), project="shop")
        _wait_ready(platform, "other")
        admin.serving.remove("other", project="shop")
    headers = {"Authorization": f"Bearer {platform.token}"}
    deadline = time.monotonic() + 60
    while httpx.get(f"{platform.gateway_url}/v2/models/other", headers=headers).status_code != 404:
        assert time.monotonic() < deadline, "the removed model is still served"
        time.sleep(0.2)
