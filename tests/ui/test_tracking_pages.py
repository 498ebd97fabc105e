"""The experiment-tracking pages over plain HTTP: experiments, runs, one run, a comparison."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Run
from mlplane.ui.pages.tracking import experiments as experiments_page
from mlplane.ui.pages.tracking.display import format_duration, format_number
from mlplane.ui.pages.tracking.metric_charts import MAX_POINTS

HTMX = {"HX-Request": "true"}
PNG = bytes.fromhex(  # one transparent pixel
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082"
)


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


def _sign_in_as(app_http: httpx.Client, user: mlplane.Client) -> httpx.Client:
    token = user.transport.http.headers["Authorization"].removeprefix("Bearer ")
    assert app_http.post("/ui/login", data={"token": token}).status_code == 303
    return app_http


def _log_run(
    client: mlplane.Client,
    project: str,
    name: str,
    params: dict[str, str],
    accuracy: list[float],
    *,
    experiment: str = "churn",
    end: bool = True,
) -> Run:
    run = client.runs.create(experiment, project=project, name=name, create_experiment=True)
    client.runs.log_batch(
        run.id,
        project=project,
        params=params,
        metrics=[
            {"key": "accuracy", "value": value, "step": step} for step, value in enumerate(accuracy)
        ],
    )
    if end:
        client.runs.end(run.id, project=project)
    return run


def _charts(html: str) -> dict[str, dict[str, Any]]:
    """Each chart's payload, by the metric key its figure names."""
    found = re.findall(
        r'<figure class="metric-chart" data-metric="([^"]+)">.*?data-chart=\'([^\']*)\'', html, re.S
    )
    return {
        key: json.loads(payload.replace("&#34;", '"').replace("&amp;", "&"))
        for key, payload in found
    }


def _row(html: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}".*?</tr>', html, re.S)
    assert match is not None, f"no row with {attribute}={value!r}"
    return match.group(0)


@pytest.fixture
def two_runs(client: mlplane.Client, project: str) -> tuple[Run, Run]:
    slow = _log_run(client, project, "slow", {"lr": "0.01", "depth": "3"}, [0.5, 0.7, 0.8])
    fast = _log_run(client, project, "fast", {"lr": "0.1", "depth": "3"}, [0.6, 0.9, 0.95])
    return slow, fast


# Experiments


def test_list_experiments_shows_run_counts_last_run_and_tags(
    signed_in: httpx.Client, client: mlplane.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    client.experiments.create("empty", project=project, tags={"team": "risk"})

    response = signed_in.get(f"/projects/{project}/experiments")

    assert response.status_code == 200
    churn = _row(response.text, "data-experiment", "churn")
    empty = _row(response.text, "data-experiment", "empty")
    assert '<td class="num">2</td>' in churn
    assert "<time" in churn
    assert '<td class="num">0</td>' in empty
    assert '<span class="tag">team=risk</span>' in empty


def test_list_experiments_without_any_explains_how_to_log(
    signed_in: httpx.Client, project: str
) -> None:
    response = signed_in.get(f"/projects/{project}/experiments")

    assert response.status_code == 200
    assert "No experiments yet" in response.text


def test_project_page_links_to_its_experiments(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.get(f"/projects/{project}")

    assert f'href="/projects/{project}/experiments"' in response.text


# Runs table


def test_runs_table_shows_status_duration_and_latest_values(
    signed_in: httpx.Client, client: mlplane.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    live = _log_run(client, project, "live", {"lr": "0.5"}, [0.1], end=False)
    experiment = client.experiments.get("churn", project=project)

    response = signed_in.get(f"/projects/{project}/experiments/{experiment.id}")

    assert response.status_code == 200
    fast = _row(response.text, "data-run", "fast")
    assert f'href="/projects/{project}/runs/{two_runs[1].id}"' in fast
    assert ">finished</span>" in fast
    assert '<td class="num">0.95</td>' in fast
    assert ">0.1</td>" in fast  # the lr param column
    assert ">running</span>" in _row(response.text, "data-run", "live")
    assert f'value="{live.id}" form="compare-form"' in response.text
    # Newest first by default.
    assert response.text.index('data-run="live"') < response.text.index('data-run="slow"')


def test_runs_table_by_experiment_name_and_chosen_columns(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    response = signed_in.get(
        f"/projects/{project}/experiments/churn",
        params={"columns": "chosen", "param": "depth"},
    )

    header = response.text[response.text.index("<thead>") : response.text.index("</thead>")]
    assert ">depth</th>" in header
    assert ">lr</th>" not in header
    assert ">accuracy</th>" not in header


def test_runs_filter_keeps_matching_runs(
    signed_in: httpx.Client, client: mlplane.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    experiment = client.experiments.get("churn", project=project)

    response = signed_in.get(
        f"/projects/{project}/experiments/{experiment.id}",
        params={"filter": "metrics.accuracy > 0.9 and params.lr = '0.1'"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="runs-results"')
    assert 'data-run="fast"' in response.text
    assert 'data-run="slow"' not in response.text


def test_runs_filter_matching_nothing_says_so(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    response = signed_in.get(
        f"/projects/{project}/experiments/churn", params={"filter": "params.lr = '9'"}
    )

    assert response.status_code == 200
    assert "No runs match this filter." in response.text


@pytest.mark.parametrize("fragment", [True, False])
def test_runs_bad_filter_shows_parser_message_inline(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run], fragment: bool
) -> None:
    response = signed_in.get(
        f"/projects/{project}/experiments/churn",
        params={"filter": "metrics.accuracy >> 0.9"},
        headers=HTMX if fragment else {},
    )

    assert response.status_code == 422
    error = re.search(r'id="filter-error">(.*?)</div>', response.text, re.S)
    assert error is not None
    assert "Filter:" in error.group(1)
    assert "This page does not exist" not in response.text
    assert ('id="run-filters"' in response.text) is not fragment


def test_runs_order_by_metric_ascending(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    ascending = signed_in.get(
        f"/projects/{project}/experiments/churn",
        params={"order": "metrics.`accuracy`", "direction": "ASC"},
    )
    descending = signed_in.get(
        f"/projects/{project}/experiments/churn",
        params={"order": "metrics.`accuracy`", "direction": "DESC"},
    )

    assert ascending.text.index('data-run="slow"') < ascending.text.index('data-run="fast"')
    assert descending.text.index('data-run="fast"') < descending.text.index('data-run="slow"')
    assert '<option value="metrics.`accuracy`" selected>' in ascending.text


def test_runs_unknown_order_field_explains_inline(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    response = signed_in.get(
        f"/projects/{project}/experiments/churn", params={"order": "attributes.colour"}
    )

    assert response.status_code == 422
    error = re.search(r'id="filter-error">(.*?)</div>', response.text, re.S)
    assert error is not None
    assert "colour" in error.group(1)


def test_missing_experiment_shows_friendly_404(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.get(f"/projects/{project}/experiments/nowhere")

    assert response.status_code == 404
    assert "Experiment &#39;nowhere&#39; does not exist" in response.text


def test_runs_more_button_appends_the_next_page(
    signed_in: httpx.Client,
    client: mlplane.Client,
    project: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(experiments_page, "RUNS_PAGE_SIZE", 2)
    for index in range(5):
        _log_run(client, project, f"run-{index}", {"lr": "0.1"}, [0.5])

    first = signed_in.get(
        f"/projects/{project}/experiments/churn", params={"filter": "params.lr = '0.1'"}
    )
    more = re.search(r'hx-get="([^"]+)"[^>]*>Show more runs', first.text)
    assert more is not None
    second = signed_in.get(more.group(1).replace("&amp;", "&"), headers=HTMX)
    later = re.search(r'hx-get="([^"]+)"[^>]*>Show more runs', second.text)
    assert later is not None
    third = signed_in.get(later.group(1).replace("&amp;", "&"), headers=HTMX)

    names = [re.findall(r'data-run="([^"]+)"', page.text) for page in (first, second, third)]
    assert names == [["run-4", "run-3"], ["run-2", "run-1"], ["run-0"]]
    assert second.text.lstrip().startswith("<tr")
    assert "Show more runs" not in third.text


# One run


def test_run_page_shows_overview_params_tags_and_latest_metrics(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    run = client.runs.create(
        "churn",
        project=project,
        name="gbm",
        create_experiment=True,
        tags={"team": "risk"},
        source_name="train.py",
        source_type="LOCAL",
        git_commit="0123456789abcdef0123",
        git_dirty=True,
    )
    client.runs.log_batch(
        run.id,
        project=project,
        params={"learning_rate": "0.05"},
        metrics=[{"key": "loss", "value": 0.5, "step": 7}],
    )
    client.runs.end(run.id, project=project)

    response = signed_in.get(f"/projects/{project}/runs/{run.id}")

    assert response.status_code == 200
    overview = response.text[response.text.index('id="run-overview"') :]
    assert ">finished</span>" in overview
    assert "train.py" in overview
    assert ">0123456789ab</span>" in overview
    assert "uncommitted changes" in overview
    assert '<td class="mono">learning_rate</td><td class="mono value">0.05</td>' in response.text
    assert '<td class="mono">team</td><td class="value">risk</td>' in response.text
    latest = _row(response.text, "data-metric", "loss")
    assert ">0.5</td>" in latest
    assert ">7</td>" in latest
    assert 'hx-trigger="every' not in response.text


def test_run_page_charts_each_metric_by_step_thinned_on_the_server(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    run = client.runs.create("churn", project=project, create_experiment=True)
    client.runs.log_batch(
        run.id,
        project=project,
        metrics=[{"key": "loss", "value": 1 / (step + 1), "step": step} for step in range(1200)]
        + [{"key": "accuracy", "value": float("nan"), "step": 0}]
        + [{"key": "accuracy", "value": 0.75, "step": 1}]
        + [{"key": "system/cpu_utilization_percentage", "value": 40.0, "step": 0}],
    )

    response = signed_in.get(f"/projects/{project}/runs/{run.id}")

    charts_section = response.text[
        response.text.index('id="run-charts"') : response.text.index('id="system-metrics"')
    ]
    system_section = response.text[
        response.text.index('id="system-metrics"') : response.text.index('id="run-datasets"')
    ]
    charts = _charts(charts_section)
    assert set(charts) == {"accuracy", "loss"}
    loss = charts["loss"]
    assert loss["x"] == "number"
    [series] = loss["series"]
    assert 2 < len(series["points"]) <= MAX_POINTS
    assert series["points"][0] == [0, 1.0]
    assert series["points"][-1] == [1199, 1 / 1200]
    assert "1200 points, thinned" in charts_section
    assert charts["accuracy"]["series"][0]["points"] == [[0, None], [1, 0.75]]
    assert list(_charts(system_section)) == ["system/cpu_utilization_percentage"]


def test_run_page_links_parent_children_and_datasets(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    parent = client.runs.create("tuning", project=project, name="sweep", create_experiment=True)
    child = client.runs.create("tuning", project=project, name="trial-1", parent_run_id=parent.id)
    client.runs.log_inputs(
        child.id,
        [{"name": "customers", "digest": "abc123", "context": "training", "source": "s3://b/c"}],
        project=project,
    )

    parent_page = signed_in.get(f"/projects/{project}/runs/{parent.id}")
    child_page = signed_in.get(f"/projects/{project}/runs/{child.id}")

    children = re.search(r'id="child-runs">(.*?)</dd>', parent_page.text, re.S)
    assert children is not None
    assert f'href="/projects/{project}/runs/{child.id}">trial-1</a>' in children.group(1)
    assert f'<a href="/projects/{project}/runs/{parent.id}">sweep</a>' in child_page.text
    datasets = child_page.text[child_page.text.index('id="run-datasets"') :]
    assert "customers" in datasets
    assert ">training</span>" in datasets
    assert "s3://b/c" in datasets


def test_running_run_page_polls_until_the_run_ends(
    signed_in: httpx.Client, client: mlplane.Client, project: str
) -> None:
    run = _log_run(client, project, "training", {}, [0.1], end=False)
    live_url = f"/projects/{project}/runs/{run.id}/live"

    page = signed_in.get(f"/projects/{project}/runs/{run.id}")
    client.runs.log_metric(run.id, "accuracy", 0.42, step=1, project=project)
    polled = signed_in.get(live_url, headers=HTMX)
    client.runs.end(run.id, project=project)
    ended = signed_in.get(live_url, headers=HTMX)

    assert f'hx-get="{live_url}" hx-trigger="every 3s"' in page.text
    assert polled.text.lstrip().startswith('<div class="stack-lg" id="run-live"')
    assert "every 3s" in polled.text
    assert ">0.42</td>" in _row(polled.text, "data-metric", "accuracy")
    assert 'data-status="FINISHED"' in ended.text
    assert "hx-trigger" not in ended.text
    assert 'id="run-artifacts"' not in ended.text


def test_missing_run_shows_friendly_404(signed_in: httpx.Client, project: str) -> None:
    response = signed_in.get(f"/projects/{project}/runs/0123456789abcdef")

    assert response.status_code == 404
    assert "This page does not exist" in response.text


# Artifacts


@pytest.fixture
def run_with_files(client: mlplane.Client, project: str) -> Run:
    run = client.runs.create("churn", project=project, name="with-files", create_experiment=True)
    files = {
        "config.json": b'{"model": "gbm", "depth": 3}',
        "notes.txt": "précision <b>ok</b>\n".encode(),
        "plots/loss.png": PNG,
        "plots/raw/data.bin": bytes(range(256)),
        "model/weights.bin": b"\0\1\2" * 10,
    }
    for path, data in files.items():
        client.runs.upload_bytes(run.id, path, data, project=project)
    return run


def test_artifact_browser_lists_root_with_folders_first(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    response = signed_in.get(f"/projects/{project}/runs/{run_with_files.id}")

    entries = re.findall(r'<tr data-artifact="([^"]+)"', response.text)
    assert entries == ["model", "plots", "config.json", "notes.txt"]
    assert 'id="artifact-preview"' not in response.text


def test_artifact_browser_opens_a_folder_as_fragment(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    base = f"/projects/{project}/runs/{run_with_files.id}/artifacts"

    fragment = signed_in.get(base, params={"path": "plots"}, headers=HTMX)
    full = signed_in.get(base, params={"path": "plots"})

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section class="card" id="run-artifacts"')
    assert re.findall(r'<tr data-artifact="([^"]+)"', fragment.text) == [
        "plots/raw",
        "plots/loss.png",
    ]
    assert "<span>plots</span>" in fragment.text  # where the breadcrumbs stand
    assert 'id="run-overview"' in full.text
    assert 'data-artifact="plots/loss.png"' in full.text


def test_artifact_preview_pretty_prints_json_and_escapes_text(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    base = f"/projects/{project}/runs/{run_with_files.id}/artifacts"

    config = signed_in.get(base, params={"file": "config.json"}, headers=HTMX)
    notes = signed_in.get(base, params={"file": "notes.txt"}, headers=HTMX)
    weights = signed_in.get(base, params={"path": "model", "file": "model/weights.bin"})

    assert '<pre class="preview-text">{\n  &#34;model&#34;: &#34;gbm&#34;,' in config.text
    assert "précision &lt;b&gt;ok&lt;/b&gt;" in notes.text
    assert "No preview for this kind of file" in weights.text


def test_artifact_preview_shows_images_inline(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    response = signed_in.get(
        f"/projects/{project}/runs/{run_with_files.id}/artifacts",
        params={"path": "plots", "file": "plots/loss.png"},
        headers=HTMX,
    )

    image = re.search(r'<img src="([^"]+)"', response.text)
    assert image is not None
    assert (
        image.group(1) == f"/projects/{project}/runs/{run_with_files.id}/artifacts/plots/loss.png"
    )
    assert signed_in.get(image.group(1)).content == PNG


def test_download_artifact_streams_the_file_as_an_attachment(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    response = signed_in.get(
        f"/projects/{project}/runs/{run_with_files.id}/artifacts/{quote('plots/raw/data.bin')}"
    )

    assert response.status_code == 200
    assert response.content == bytes(range(256))
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''data.bin"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_download_missing_artifact_shows_friendly_404(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    response = signed_in.get(f"/projects/{project}/runs/{run_with_files.id}/artifacts/nothing.txt")

    assert response.status_code == 404
    assert re.search(r"Artifact &#39;[^&]*nothing.txt&#39; does not exist", response.text)


def test_artifact_path_escaping_the_run_is_refused(
    signed_in: httpx.Client, project: str, run_with_files: Run
) -> None:
    response = signed_in.get(
        f"/projects/{project}/runs/{run_with_files.id}/artifacts", params={"path": "../.."}
    )

    assert response.status_code == 422
    assert "must not contain &#39;..&#39;" in response.text


# Comparing runs


def test_compare_highlights_differing_params_and_overlays_charts(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    slow, fast = two_runs

    response = signed_in.get(
        f"/projects/{project}/compare", params={"runs": f"{slow.id},{fast.id}"}
    )

    assert response.status_code == 200
    assert "Comparing 2 runs" in response.text
    params = response.text[response.text.index('id="compare-params-table"') :]
    assert '<tr class="differs" data-key="lr">' in params
    assert '<tr class="same" data-key="depth">' in params
    lr = _row(params, "data-key", "lr")
    assert lr.index(">0.01<") < lr.index(">0.1<")  # in the order the runs were asked for
    metrics = response.text[response.text.index('id="compare-metrics-table"') :]
    assert ">0.8</td>" in _row(metrics, "data-key", "accuracy")
    charts = _charts(response.text[response.text.index('id="compare-charts"') :])
    assert list(charts) == ["accuracy"]
    chart = charts["accuracy"]
    series = chart["series"]
    assert [(item["label"], item["points"]) for item in series] == [
        ("slow", [[0, 0.5], [1, 0.7], [2, 0.8]]),
        ("fast", [[0, 0.6], [1, 0.9], [2, 0.95]]),
    ]


def test_compare_accepts_repeated_runs_parameter(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    slow, fast = two_runs

    response = signed_in.get(
        f"/projects/{project}/compare", params=[("runs", slow.id), ("runs", fast.id)]
    )

    assert response.status_code == 200
    assert "Comparing 2 runs" in response.text


def test_compare_with_one_run_explains(
    signed_in: httpx.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    response = signed_in.get(f"/projects/{project}/compare", params={"runs": two_runs[0].id})

    assert response.status_code == 422
    assert "Runs: select at least two runs to compare." in response.text


def test_compare_with_a_run_of_another_project_is_404(
    signed_in: httpx.Client, client: mlplane.Client, project: str, two_runs: tuple[Run, Run]
) -> None:
    client.projects.create("elsewhere")
    other = _log_run(client, "elsewhere", "other", {}, [0.1])

    response = signed_in.get(
        f"/projects/{project}/compare", params={"runs": f"{two_runs[0].id},{other.id}"}
    )

    assert response.status_code == 404
    assert "This page does not exist" in response.text


# Permissions


@pytest.mark.parametrize(
    "path",
    [
        "/projects/{project}/experiments",
        "/projects/{project}/experiments/churn",
        "/projects/{project}/runs/{run}",
        "/projects/{project}/runs/{run}/artifacts/notes.txt",
        "/projects/{project}/compare?runs={run},{run2}",
    ],
)
def test_user_without_role_gets_friendly_404(
    app_http: httpx.Client,
    user_client: Callable[..., mlplane.Client],
    client: mlplane.Client,
    project: str,
    two_runs: tuple[Run, Run],
    path: str,
) -> None:
    client.runs.upload_bytes(two_runs[0].id, "notes.txt", b"secret", project=project)
    _sign_in_as(app_http, user_client("stranger"))

    response = app_http.get(path.format(project=project, run=two_runs[0].id, run2=two_runs[1].id))

    assert response.status_code == 404
    assert "This page does not exist" in response.text
    assert "secret" not in response.text


def test_viewer_sees_runs_run_page_files_and_comparison(
    app_http: httpx.Client,
    user_client: Callable[..., mlplane.Client],
    client: mlplane.Client,
    project: str,
    two_runs: tuple[Run, Run],
) -> None:
    slow, fast = two_runs
    client.runs.upload_bytes(slow.id, "notes.txt", b"shared", project=project)
    viewer = _sign_in_as(app_http, user_client("vera", project, "viewer"))

    experiments = viewer.get(f"/projects/{project}/experiments")
    runs = viewer.get(f"/projects/{project}/experiments/churn")
    run = viewer.get(f"/projects/{project}/runs/{slow.id}")
    download = viewer.get(f"/projects/{project}/runs/{slow.id}/artifacts/notes.txt")
    compare = viewer.get(f"/projects/{project}/compare?runs={slow.id},{fast.id}")

    assert [page.status_code for page in (experiments, runs, run, download, compare)] == [200] * 5
    assert 'data-run="fast"' in runs.text
    assert download.content == b"shared"


# What the pages print


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.25, "250 ms"),
        (4.26, "4.3 s"),
        (9.97, "10 s"),
        (59.6, "1 min"),
        (185, "3 min 5 s"),
        (2 * 3600 + 14 * 60 + 30, "2 h 14 min"),
        (3 * 86400 + 4 * 3600, "3 d 4 h"),
    ],
)
def test_format_duration_keeps_two_units(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.123456789, "0.123457"),
        (1234567.0, "1.23457e+06"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        (None, "—"),
    ],
)
def test_format_number_shows_six_significant_digits(value: float | None, text: str) -> None:
    assert format_number(value) == text
