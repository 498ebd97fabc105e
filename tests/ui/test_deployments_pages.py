"""The deployments pages over plain HTTP: the list, one deployment, its buttons, served models."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane
from mlplane.core.clock import utcnow
from mlplane.core.ids import new_id
from mlplane.core.processes import heartbeat
from mlplane.core.settings import load_settings
from mlplane.registry.packaging import save_model
from mlplane.server.platform import Platform
from mlplane.serving import store as serving_store
from mlplane.serving.rollups import roll_up
from mlplane.serving.tables import InferenceLogRow
from tests.serving.conftest import FEATURES, LABELS

CANARY = {"type": "canary", "step_weight": 20, "max_weight": 60, "interval": 3600}


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


def _sign_in_as(app_http: httpx.Client, user: mlplane.Client) -> httpx.Client:
    token = user.transport.http.headers["Authorization"].removeprefix("Bearer ")
    assert app_http.post("/ui/login", data={"token": token}).status_code == 303
    return app_http


@pytest.fixture
def platform(client: mlplane.Client, home: Path) -> Iterator[Platform]:
    client.health()
    made = Platform(load_settings(home))
    yield made
    made.close()


@pytest.fixture
def rolling_out(client: mlplane.Client, project: str, tmp_path: Path) -> mlplane.Client:
    """`churn-api` serving version 1 of `churn`, with version 2 rolling out as a canary."""
    for number in (1, 2):
        path = tmp_path / f"churn-{number}"
        model = LogisticRegression(C=float(number)).fit(FEATURES, LABELS)
        save_model(model, path, input_example=FEATURES.head(2))
        client.models.register("churn", str(path), project=project)
    client.deployments.create("churn-api", "models:/churn/1", strategy=CANARY, project=project)
    client.deployments.update("churn-api", model="models:/churn/2", project=project)
    return client


LogCalls = Callable[..., None]


@pytest.fixture
def log_calls(platform: Platform, project: str) -> LogCalls:
    def write(
        version: str, at: datetime, count: int, status: int = 200, latency_ms: float = 5.0
    ) -> None:
        rows = [
            InferenceLogRow(
                id=new_id(), created_at=at, project=project, model="churn-api", version=version,
                caller="admin", protocol="v2", status=status, latency_ms=latency_ms, rows=1,
                error=None, payload=None,
            )
            for _ in range(count)
        ]  # fmt: skip
        with platform.db.write() as session:
            serving_store.add_inference_records(session, rows)

    return write


def _charts(page: str) -> dict[str, dict[str, Any]]:
    found = re.findall(r'id="chart-([^"]+)">\s*<figcaption>[^<]*</figcaption>\s*'
                       r"<div class=\"chart\"[^>]*data-chart='([^']*)'", page)  # fmt: skip
    return {key: json.loads(html.unescape(payload)) for key, payload in found}


def _revisions(client: mlplane.Client, project: str) -> tuple[str, str]:
    deployment = client.deployments.get("churn-api", project=project)
    assert deployment.stable is not None
    assert deployment.candidate is not None
    return deployment.stable.revision, deployment.candidate.revision


def test_deployments_page_lists_versions_strategy_and_request_rate(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str, log_calls: LogCalls
) -> None:
    stable, candidate = _revisions(rolling_out, project)
    log_calls(stable, utcnow() - timedelta(minutes=1), 24)
    log_calls(candidate, utcnow() - timedelta(minutes=1), 6, status=500)

    page = signed_in.get(f"/projects/{project}/deployments")

    assert page.status_code == 200
    row = re.search(r'<tr data-deployment="churn-api".*?</tr>', page.text, re.S)
    assert row is not None
    assert 'data-status="progressing"' in row.group(0)
    assert f'rev {stable}</span> <span class="muted">v1 · 80%' in row.group(0)
    assert f'rev {candidate}</span> <span class="muted">v2 · 20%' in row.group(0)
    assert "canary" in row.group(0)
    assert '<td class="num" data-rate>0.10</td>' in row.group(0)  # 30 calls over 5 minutes
    assert f'href="/projects/{project}/deployments" class="active"' in page.text


def test_deployments_list_refreshes_as_a_fragment(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    fragment = signed_in.get(f"/projects/{project}/deployments", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.startswith('<div id="deployments-rows"')
    assert "<html" not in fragment.text
    assert 'data-deployment="churn-api"' in fragment.text


def test_deployment_page_shows_split_charts_timeline_and_buttons(
    signed_in: httpx.Client,
    rolling_out: mlplane.Client,
    project: str,
    platform: Platform,
    log_calls: LogCalls,
) -> None:
    stable, candidate = _revisions(rolling_out, project)
    log_calls(stable, utcnow() - timedelta(minutes=3), 8, latency_ms=4.0)
    log_calls(candidate, utcnow() - timedelta(minutes=3), 2, status=500, latency_ms=40.0)
    roll_up(platform.db, utcnow())
    log_calls(stable, utcnow(), 3, latency_ms=6.0)

    page = signed_in.get(f"/projects/{project}/deployments/churn-api?window=15m")

    assert page.status_code == 200
    assert re.search(r'data-target="stable" data-weight="80"', page.text)
    assert re.search(r'data-target="candidate" data-weight="20"', page.text)
    assert 'aria-label="candidate: 20% of calls"' in page.text
    charts = _charts(page.text)
    assert set(charts) == {"requests", "errors", f"latency-{stable}", f"latency-{candidate}"}
    labels = [series["label"] for series in charts["requests"]["series"]]
    assert labels == [f"revision {stable} (stable)", f"revision {candidate} (candidate)"]
    assert len(charts["requests"]["series"][0]["points"]) == 15  # every minute of the window
    assert sum(1 for _, rate in charts["requests"]["series"][0]["points"] if rate) == 2
    errors_points = charts["errors"]["series"][1]["points"]
    (errors,) = [rate for _, rate in errors_points if rate is not None]
    assert errors == pytest.approx(100.0)
    latency = charts[f"latency-{candidate}"]["series"]
    assert [series["label"] for series in latency] == ["p50", "p95", "p99"]
    assert [ms for _, ms in latency[2]["points"] if ms is not None] == [pytest.approx(40.0)]
    # Empty ends stretch a chart over the whole window, however few minutes had calls.
    assert errors_points[0][0] == charts["requests"]["series"][0]["points"][0][0]
    assert errors_points[-1][0] == charts["requests"]["series"][0]["points"][-1][0]
    assert 'data-kind="rollout_started"' in page.text
    assert '<span class="tag">weight=20</span>' in page.text
    assert "redact=" not in page.text
    assert re.search(r'data-event="1" data-kind="created"', page.text)
    buttons = re.findall(r"deployments/churn-api/(\w+)\"[^>]*><button", page.text)
    assert buttons == ["promote", "pause", "abort", "rollback"]


def test_deployment_page_refreshes_as_a_fragment(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    fragment = signed_in.get(
        f"/projects/{project}/deployments/churn-api", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.startswith('<div class="stack-lg" id="deployment-live"')
    assert f'hx-get="/projects/{project}/deployments/churn-api?window=1h"' in fragment.text


def test_promote_from_the_page_gives_the_candidate_all_traffic(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    _, candidate = _revisions(rolling_out, project)
    answer = signed_in.post(f"/ui/projects/{project}/deployments/churn-api/promote")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/projects/{project}/deployments/churn-api"
    deployment = rolling_out.deployments.get("churn-api", project=project)
    assert (deployment.outcome, deployment.candidate) == ("promoted", None)
    assert deployment.stable is not None
    assert deployment.stable.revision == candidate
    page = signed_in.get(answer.headers["location"])
    assert 'data-kind="promoted"' in page.text
    assert re.findall(r"deployments/churn-api/(\w+)\"[^>]*><button", page.text) == ["rollback"]


def test_pause_resume_and_abort_from_the_page(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    base = f"/ui/projects/{project}/deployments/churn-api"
    assert signed_in.post(f"{base}/pause").status_code == 303
    assert rolling_out.deployments.get("churn-api", project=project).status == "paused"
    page = signed_in.get(f"/projects/{project}/deployments/churn-api")
    assert re.findall(r"deployments/churn-api/(\w+)\"[^>]*><button", page.text) == [
        "promote", "resume", "abort", "rollback",
    ]  # fmt: skip
    assert signed_in.post(f"{base}/resume").status_code == 303
    assert signed_in.post(f"{base}/abort").status_code == 303
    deployment = rolling_out.deployments.get("churn-api", project=project)
    assert (deployment.status, deployment.outcome) == ("stable", "aborted")


def test_action_the_state_does_not_allow_shows_why(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    answer = signed_in.post(f"/ui/projects/{project}/deployments/churn-api/resume")
    assert answer.status_code == 409
    assert "no paused rollout to resume" in answer.text


def test_form_from_another_site_is_refused(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    answer = signed_in.post(
        f"/ui/projects/{project}/deployments/churn-api/promote",
        headers={"Origin": "http://elsewhere.test"},
    )
    assert answer.status_code == 403
    assert rolling_out.deployments.get("churn-api", project=project).status == "progressing"


def test_viewer_sees_no_buttons_and_is_refused(
    app_http: httpx.Client,
    rolling_out: mlplane.Client,
    project: str,
    user_client: Callable[..., mlplane.Client],
) -> None:
    viewer = _sign_in_as(app_http, user_client("vera", project, "viewer"))
    page = viewer.get(f"/projects/{project}/deployments/churn-api")
    assert page.status_code == 200
    assert 'id="deployment-actions"' not in page.text
    assert "<button" not in page.text.split('id="deployment-live"')[1]
    answer = viewer.post(f"/ui/projects/{project}/deployments/churn-api/promote")
    assert answer.status_code == 403
    assert rolling_out.deployments.get("churn-api", project=project).status == "progressing"


def test_unknown_window_and_missing_deployment_show_why(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str
) -> None:
    page = signed_in.get(f"/projects/{project}/deployments/churn-api?window=1y")
    assert page.status_code == 422
    assert "must be one of 15m, 1h, 6h, 24h" in page.text
    assert signed_in.get(f"/projects/{project}/deployments/nowhere").status_code == 404


def test_served_models_page_shows_versions_sources_and_state(
    signed_in: httpx.Client, rolling_out: mlplane.Client, project: str, platform: Platform
) -> None:
    stable, candidate = _revisions(rolling_out, project)
    page = signed_in.get(f"/projects/{project}/served-models")
    assert page.status_code == 200
    assert "no gateway is running" in page.text
    assert re.search(
        rf'data-served="churn-api" data-version="{stable}" data-state="offline"', page.text
    )

    heartbeat(platform.db, "gateway", "http://127.0.0.1:1", utcnow())
    page = signed_in.get(f"/projects/{project}/served-models")
    for version in (stable, candidate):
        row = re.search(rf'<tr data-served="churn-api" data-version="{version}".*?</tr>',
                        page.text, re.S)  # fmt: skip
        assert row is not None
        assert 'data-state="serving"' in row.group(0)
        assert "models:/churn/" in row.group(0)
    assert f'href="/projects/{project}/served-models" class="active"' in page.text


def test_project_page_has_a_deployments_tab(signed_in: httpx.Client, project: str) -> None:
    page = signed_in.get(f"/projects/{project}")
    assert f'href="/projects/{project}/deployments"' in page.text
    empty = signed_in.get(f"/projects/{project}/deployments")
    assert "No deployments yet." in empty.text
