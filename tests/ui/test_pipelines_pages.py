"""The pipeline pages over plain HTTP: runs list, one run's graph, schedules and triggers."""

from __future__ import annotations

import base64

import httpx
import pytest

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


@pytest.fixture
def project(admin_api: httpx.Client) -> str:
    assert admin_api.post("/projects", json={"name": "flows"}).status_code == 201
    return "flows"


def _create_run(api: httpx.Client, project: str) -> str:
    steps = [
        {"name": "ingest", "step": "ingest", "function": "flow:ingest"},
        {"name": "prepare", "step": "prepare", "function": "flow:prepare", "upstream": ["ingest"]},
        {"name": "train", "step": "train", "function": "flow:train", "upstream": ["prepare"]},
    ]
    body = {"pipeline": "churn", "params": {"rows": 10}, "steps": steps}
    response = api.post(f"/projects/{project}/pipeline-runs", json=body)
    assert response.status_code == 201, response.text
    run_id: str = response.json()["id"]
    return run_id


def _report(api: httpx.Client, project: str, run_id: str, *reports: dict[str, object]) -> None:
    response = api.post(
        f"/projects/{project}/pipeline-runs/{run_id}/steps", json={"steps": reports}
    )
    assert response.status_code == 200, response.text


def test_run_page_draws_graph_by_state_and_polls_while_running(
    signed_in: httpx.Client, admin_api: httpx.Client, project: str
) -> None:
    run_id = _create_run(admin_api, project)
    output = base64.b64encode(b"[1, 2]").decode()
    _report(
        admin_api,
        project,
        run_id,
        {
            "name": "ingest",
            "state": "cached",
            "started_at": "2026-01-01T00:00:00Z",
            "finished_at": "2026-01-01T00:00:00Z",
        },
        {
            "name": "prepare",
            "state": "succeeded",
            "started_at": "2026-01-01T00:00:00Z",
            "finished_at": "2026-01-01T00:00:01.5Z",
            "output": output,
            "output_format": "json",
            "output_type": "list",
        },
        {"name": "train", "state": "running", "started_at": "2026-01-01T00:00:02Z"},
    )
    page = signed_in.get(f"/projects/{project}/pipelines/runs/{run_id}")
    assert page.status_code == 200
    html = page.text
    assert '<svg class="pipeline-graph"' in html
    assert 'data-step="ingest" data-state="cached"' in html
    assert 'data-step="prepare" data-state="succeeded"' in html
    assert 'data-step="train" data-state="running"' in html
    assert 'data-from="ingest" data-to="prepare"' in html
    assert "succeeded · 1.50 s" in html
    assert "1 of 3" in html  # cache hits
    assert f'hx-get="/projects/{project}/pipelines/runs/{run_id}/live"' in html

    finish = admin_api.post(
        f"/projects/{project}/pipeline-runs/{run_id}/finish", json={"state": "failed", "error": "x"}
    )
    assert finish.status_code == 200
    live = signed_in.get(f"/projects/{project}/pipelines/runs/{run_id}/live", headers=HTMX)
    assert live.status_code == 200
    assert "<html" not in live.text
    assert 'data-step="train" data-state="skipped"' in live.text
    assert "hx-trigger" not in live.text  # a finished run stops polling


def test_runs_page_lists_runs_with_cache_hits(
    signed_in: httpx.Client, admin_api: httpx.Client, project: str
) -> None:
    run_id = _create_run(admin_api, project)
    _report(admin_api, project, run_id, {"name": "ingest", "state": "reused"})
    page = signed_in.get(f"/projects/{project}/pipelines")
    assert page.status_code == 200
    assert f'data-run="{run_id}" data-state="running"' in page.text
    assert 'hx-get="/projects/flows/pipelines/rows"' in page.text
    rows = signed_in.get(f"/projects/{project}/pipelines/rows", headers=HTMX)
    assert rows.text.lstrip().startswith("<tbody")
    project_page = signed_in.get(f"/projects/{project}")
    assert f'href="/projects/{project}/pipelines"' in project_page.text


def test_schedules_page_lists_schedules_and_triggers(
    signed_in: httpx.Client, admin_api: httpx.Client, project: str
) -> None:
    schedule = {"name": "nightly", "source": "flow.py:churn", "cron": "0 3 * * *"}
    assert (
        admin_api.post(f"/projects/{project}/pipeline-schedules", json=schedule).status_code == 201
    )
    trigger = {
        "name": "on-orders",
        "source": "flow.py:churn",
        "event": "data.version.created",
        "match": {"dataset": "orders"},
    }
    assert admin_api.post(f"/projects/{project}/pipeline-triggers", json=trigger).status_code == 201
    page = signed_in.get(f"/projects/{project}/pipelines/schedules")
    assert page.status_code == 200
    assert 'data-schedule="nightly"' in page.text
    assert "0 3 * * *" in page.text
    assert 'data-trigger="on-orders"' in page.text
    assert "dataset=orders" in page.text


def test_missing_run_page_is_not_found(signed_in: httpx.Client, project: str) -> None:
    page = signed_in.get(f"/projects/{project}/pipelines/runs/nope")
    assert page.status_code == 404
    assert "does not exist" in page.text
