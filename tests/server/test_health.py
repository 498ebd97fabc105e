from __future__ import annotations

import httpx

import mlplane


def _anonymous(client: mlplane.Client) -> httpx.Client:
    http = client.transport.http
    return httpx.Client(transport=http._transport, base_url=http.base_url)


def test_get_health_needs_no_token(client: mlplane.Client) -> None:
    response = _anonymous(client).get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": mlplane.__version__, "database": "ok"}


def test_get_metrics_needs_a_token(client: mlplane.Client) -> None:
    assert _anonymous(client).get("/metrics").status_code == 401


def test_get_metrics_exposes_request_counters(client: mlplane.Client) -> None:
    client.projects.list()

    body = client.transport.http.get("/metrics").text

    assert (
        'mlplane_http_requests_total{method="GET",process="api",route="/api/v1/projects",'
        'status="200"}'
    ) in body
    assert "mlplane_http_request_duration_seconds_bucket" in body


def test_get_openapi_document_lists_the_api(client: mlplane.Client) -> None:
    document = _anonymous(client).get("/api/v1/openapi.json").json()

    assert "/api/v1/projects" in document["paths"]
    assert "/api/v1/audit" in document["paths"]
