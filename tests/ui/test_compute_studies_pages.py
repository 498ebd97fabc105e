"""The studies pages over plain HTTP: a project's searches and one study's trials and charts."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlplane.compute.scheduler import JobRunner
from mlplane.compute.schemas import (
    STUDY_DIRECTION_VARIABLE,
    STUDY_METRIC_VARIABLE,
    STUDY_VARIABLE,
    TRIAL_NUMBER_VARIABLE,
    TRIAL_PARAMS_VARIABLE,
)
from mlplane.core.settings import load_settings
from mlplane.server.platform import Platform

OBJECTIVE = (
    "import mlplane\n"
    "from mlplane.compute.tuning import trial_params\n"
    "params = trial_params()\n"
    "mlplane.log_metric('loss', (params['x'] - 2) ** 2 + 0.01 * params['depth'])\n"
)


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


def _run_trials(api: httpx.Client, runner: JobRunner, xs: list[float]) -> list[str]:
    """Trials of study `sweep` as `mlplane tune` submits them, run to their end."""
    job_ids = []
    for number, x in enumerate(xs):
        params = {"x": x, "depth": number % 3}
        spec = {
            "name": f"sweep-trial-{number}",
            "command": [sys.executable, "-c", OBJECTIVE],
            "experiment": "sweep",
            "params": params,
            "env": {
                TRIAL_PARAMS_VARIABLE: json.dumps(params),
                STUDY_VARIABLE: "sweep",
                STUDY_METRIC_VARIABLE: "loss",
                STUDY_DIRECTION_VARIABLE: "minimize",
                TRIAL_NUMBER_VARIABLE: str(number),
            },
        }
        response = api.post("/projects/ml/jobs", json=spec)
        assert response.status_code == 201, response.text
        job_ids.append(response.json()["id"])
    deadline = time.monotonic() + 120
    while any(
        api.get(f"/projects/ml/jobs/{job_id}").json()["status"] not in ("SUCCEEDED", "FAILED")
        for job_id in job_ids
    ):
        assert time.monotonic() < deadline, "the trials did not finish in time"
        runner.tick()
        time.sleep(0.1)
    return job_ids


def _chart(html: str, element_id: str) -> dict[str, Any]:
    found = re.search(rf"id=\"{element_id}\"[^>]*data-chart='([^']*)'", html)
    assert found is not None, f"no chart #{element_id}"
    chart: dict[str, Any] = json.loads(found.group(1))
    return chart


def test_studies_page_lists_a_search_with_its_best_value(
    signed_in: httpx.Client, admin_api: httpx.Client, runner: JobRunner
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    empty = signed_in.get("/projects/ml/studies")
    assert empty.status_code == 200
    assert "No studies yet." in empty.text
    _run_trials(admin_api, runner, [0.0, 2.0, 5.0])

    page = signed_in.get("/projects/ml/studies")
    assert page.status_code == 200
    row = page.text.split('data-study="sweep"')[1].split("</tr>")[0]
    assert 'href="/projects/ml/studies/sweep"' in row
    assert '<td class="num">3</td>' in row
    # Trial 1 (x=2, depth=1) has the least loss: 0.01.
    assert '<td class="num" data-best>0.01</td>' in row
    # The project's tab bar leads here.
    assert 'href="/projects/ml/studies" class="active"' in page.text


def test_study_page_shows_trials_history_and_importance(
    signed_in: httpx.Client, admin_api: httpx.Client, runner: JobRunner
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    job_ids = _run_trials(admin_api, runner, [-3.0, 0.0, 2.0, 4.5])

    page = signed_in.get("/projects/ml/studies/sweep")
    assert page.status_code == 200
    html = page.text
    assert re.search(r"<strong data-best-value>0\.02</strong> at trial #2", html)
    assert html.count('<tr data-trial="') == 4
    assert 'data-trial="2" class="selected" data-best' in html
    for job_id in job_ids:
        assert f'href="/projects/ml/jobs/{job_id}"' in html

    history = _chart(html, "history-chart")
    value_series, best_series = history["series"]
    assert [point[0] for point in value_series["points"]] == [0, 1, 2, 3]
    assert [point[1] for point in best_series["points"]] == pytest.approx([25.0, 4.01, 0.02, 0.02])
    importance = _chart(html, "importance-chart")
    assert importance["style"] == "bar"
    assert set(importance["categories"]) == {"x", "depth"}


def test_study_page_of_unknown_study_is_not_found(
    signed_in: httpx.Client, admin_api: httpx.Client
) -> None:
    admin_api.post("/projects", json={"name": "ml"})
    assert signed_in.get("/projects/ml/studies/nope").status_code == 404
