"""The compute pages over plain HTTP: pools and cost, a project's jobs, one job's logs."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mlplane.compute.scheduler import JobRunner
from mlplane.core.settings import load_settings
from mlplane.server.platform import Platform

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


@pytest.fixture
def runner(admin_api: httpx.Client, home: Path, database_url: str) -> Iterator[JobRunner]:
    platform = Platform(load_settings(home, database_url=database_url))
    job_runner = JobRunner(platform)
    yield job_runner
    for attempt in job_runner.attempts.values():
        attempt.execution.stop()
    platform.close()


def _submit(api: httpx.Client, project: str, **spec: object) -> str:
    response = api.post(f"/projects/{project}/jobs", json=spec)
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    return job_id


def _run_to_end(api: httpx.Client, runner: JobRunner, project: str, job_id: str) -> None:
    deadline = time.monotonic() + 60
    while api.get(f"/projects/{project}/jobs/{job_id}").json()["status"] not in (
        "SUCCEEDED",
        "FAILED",
        "CANCELLED",
    ):
        assert time.monotonic() < deadline
        runner.tick()
        time.sleep(0.1)


def test_compute_page_shows_pools_use_and_cost_chart(
    signed_in: httpx.Client, admin_api: httpx.Client, runner: JobRunner
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    admin_api.post(
        "/compute/pools",
        json={"name": "priced", "kind": "local", "cpus": 2, "memory": "2Gi",
              "prices": {"cpu_hour": 36.0}},
    )  # fmt: skip
    job_id = _submit(admin_api, "ml", command="sleep 0.3", pool="priced")
    _run_to_end(admin_api, runner, "ml", job_id)
    _submit(admin_api, "ml", command="sleep 60", pool="priced", resources={"cpu": 2})
    runner.tick()

    page = signed_in.get("/compute")
    assert page.status_code == 200
    html = page.text
    assert 'data-pool="local"' in html
    row = html.split('data-pool="priced"')[1].split("</tr>")[0]
    assert '<progress max="100" value="100"' in row
    assert "2 / 2" in row
    chart = json.loads(
        re.search(r"id=\"cost-chart\"[^>]*data-chart='([^']*)'", html).group(1)  # type: ignore[union-attr]
    )
    assert chart["style"] == "bar"
    assert len(chart["categories"]) == 14
    assert chart["series"][0]["points"][-1][1] > 0
    assert 'href="/projects/ml/jobs"' in html
    assert 'href="/compute"' in html


def test_jobs_page_polls_while_jobs_are_live_and_stops_after(
    signed_in: httpx.Client, admin_api: httpx.Client, runner: JobRunner
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    job_id = _submit(admin_api, "ml", command=[sys.executable, "-c", "print('hi there')"],
                     name="greet")  # fmt: skip
    page = signed_in.get("/projects/ml/jobs")
    assert page.status_code == 200
    assert 'hx-get="/projects/ml/jobs/rows"' in page.text
    assert 'data-status="QUEUED"' in page.text

    _run_to_end(admin_api, runner, "ml", job_id)
    rows = signed_in.get("/projects/ml/jobs/rows", headers=HTMX)
    assert rows.text.lstrip().startswith('<div id="jobs-rows">')
    assert 'data-status="SUCCEEDED"' in rows.text
    assert "hx-get" not in rows.text

    job_page = signed_in.get(f"/projects/ml/jobs/{job_id}")
    assert job_page.status_code == 200
    assert '<span class="log-stdout">hi there</span>' in job_page.text
    assert 'data-status="SUCCEEDED"' in job_page.text
    assert "hx-trigger" not in job_page.text


def test_job_page_is_live_while_running(
    signed_in: httpx.Client, admin_api: httpx.Client, runner: JobRunner
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    job_id = _submit(admin_api, "ml", command="echo started; sleep 60")
    deadline = time.monotonic() + 30
    while not admin_api.get(f"/projects/ml/jobs/{job_id}/logs").json()["lines"]:
        assert time.monotonic() < deadline
        runner.tick()
        time.sleep(0.1)
    live = signed_in.get(f"/projects/ml/jobs/{job_id}/live", headers=HTMX)
    assert live.text.startswith('<div class="stack-lg" id="job-live" data-status="RUNNING"')
    assert f'hx-get="/projects/ml/jobs/{job_id}/live"' in live.text
    assert "started" in live.text


def test_job_page_of_unknown_job_is_not_found(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    assert signed_in.get("/projects/ml/jobs/nope").status_code == 404
