from __future__ import annotations

from collections.abc import Callable

import mlplane
from mlplane.core.metrics import REGISTRY
from mlplane.serving.desired import DesiredModel
from tests.serving.conftest import Gate, rows


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _two_models(gateway: Callable[..., Gate], token: str, columns_model: str, project: str) -> Gate:
    return gateway(
        [
            DesiredModel("churn", "1", columns_model, project),
            DesiredModel("fraud", "1", columns_model, project),
        ],
        token=token,
    )


def test_deployment_scoped_token_calls_only_its_deployment(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    app = _bearer(client.tokens.create("app-x", scopes=["deployment:churn"]).secret)

    allowed = gate.http.post("/v2/models/churn/infer", json=_infer_body(), headers=app)
    refused = gate.http.post("/v2/models/fraud/infer", json=_infer_body(), headers=app)
    unknown = gate.http.post("/v2/models/nothing/infer", json=_infer_body(), headers=app)

    assert allowed.status_code == 200
    assert refused.status_code == 404
    assert refused.json() == {"error": "model 'fraud' is not served here"}
    assert unknown.status_code == 404


def test_project_scoped_token_calls_the_models_of_its_project(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    own = _bearer(client.tokens.create("own", scopes=[f"project:{project}"]).secret)
    other = _bearer(client.tokens.create("other", scopes=["project:other"]).secret)

    assert gate.http.get("/v2/models/fraud/ready", headers=own).status_code == 200
    assert gate.http.get("/v1/models/churn", headers=own).status_code == 200
    assert gate.http.get("/v2/models/fraud/ready", headers=other).status_code == 404
    assert gate.http.get("/v1/models/churn", headers=other).status_code == 404


def test_read_scoped_token_cannot_call_models(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    reader = _bearer(client.tokens.create("reader", scopes=["api:read"]).secret)

    assert gate.http.get("/v2/models/churn/ready", headers=reader).status_code == 404


def test_scopes_do_not_widen_a_user_without_a_role(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
    user_client: Callable[..., mlplane.Client],
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    user_client("outsider")
    secret = client.tokens.create("app", user="outsider", scopes=["deployment:churn"]).secret

    assert gate.http.get("/v2/models/churn/ready", headers=_bearer(secret)).status_code == 404


def test_unscoped_tokens_use_the_roles_of_their_users(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
    user_client: Callable[..., mlplane.Client],
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    user_client("viewer", project, "viewer")
    user_client("stranger")
    viewer = _bearer(client.tokens.create("viewer-2", user="viewer").secret)
    stranger = _bearer(client.tokens.create("stranger-2", user="stranger").secret)

    assert gate.http.get("/v2/models/churn/ready").status_code == 200
    assert gate.http.get("/v2/models/churn/ready", headers=viewer).status_code == 200
    assert gate.http.get("/v2/models/churn/ready", headers=stranger).status_code == 404


def test_token_over_its_rate_limit_gets_429_with_retry_after(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    # One call every 100 s after a burst of two: the third call is refused however slow the
    # machine, and no call waits on the clock.
    limited = client.tokens.create("slow", scopes=["deployment:churn"], rate_limit=0.01, burst=2)
    headers = _bearer(limited.secret)
    before = _rate_limited_count()

    first = gate.http.post("/v2/models/churn/infer", json=_infer_body(), headers=headers)
    second = gate.http.get("/v2/models/churn/ready", headers=headers)
    third = gate.http.post("/v2/models/churn/infer", json=_infer_body(), headers=headers)
    other = gate.http.post("/v2/models/churn/infer", json=_infer_body())

    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 429
    assert "rate limit" in third.json()["error"]
    assert 1 <= int(third.headers["retry-after"]) <= 100
    assert other.status_code == 200
    assert _rate_limited_count() == before + 1


def test_rate_limit_is_counted_on_the_metrics_endpoint(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    gate = _two_models(gateway, token, columns_model, project)
    limited = _bearer(client.tokens.create("once", rate_limit=0.01, burst=1).secret)
    gate.http.get("/v2/models/churn/ready", headers=limited)
    gate.http.get("/v2/models/churn/ready", headers=limited)

    exposition = gate.http.get("/metrics").text

    assert 'mlplane_gateway_rate_limited_total{user="admin"}' in exposition


def test_token_listing_shows_scopes_and_rate_limit(client: mlplane.Client) -> None:
    client.tokens.create("app-x", scopes=["deployment:churn"], rate_limit=20)

    (listed,) = [token for token in client.tokens.list() if token.name == "app-x"]

    assert listed.scopes == ["deployment:churn"]
    assert listed.rate_limit is not None
    assert (listed.rate_limit.per_second, listed.rate_limit.burst) == (20, 20)


def _infer_body() -> dict[str, object]:
    columns = rows(2)
    return {
        "inputs": [
            {"name": name, "shape": [2], "datatype": "FP64", "data": values}
            for name, values in columns.items()
        ]
    }


def _rate_limited_count() -> float:
    value = REGISTRY.get_sample_value("mlplane_gateway_rate_limited_total", {"user": "admin"})
    return value or 0.0
