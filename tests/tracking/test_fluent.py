from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

import mlplane
from mlplane.tracking.active_run import ActiveRun
from mlplane.tracking.limits import NATIVE_MAX_METRICS_PER_BATCH
from mlplane.tracking.schemas import Run


@pytest.fixture(autouse=True)
def _no_run_left_active() -> Iterator[None]:
    yield
    while (active := mlplane.active_run()) is not None:
        active.end("KILLED")


def _eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _get(client: mlplane.Client, active: ActiveRun) -> Run:
    return client.runs.get(active.id, project=active.project)


def test_start_run_creates_project_experiment_and_finishes(client: mlplane.Client) -> None:
    with mlplane.start_run(experiment="churn", project="fresh", client=client) as run:
        run.log_param("lr", 0.01)
        run.log_params({"depth": 4, "loss": "log"})
        for step in range(250):
            run.log_metric("loss", 1 / (step + 1), step=step)
        run.log_metrics({"acc": 0.9, "f1": 0.8}, step=250)
        run.set_tag("team", "risk")
        assert mlplane.active_run() is run

    stored = _get(client, run)
    assert mlplane.active_run() is None
    assert client.experiments.get("churn", project="fresh").id == stored.experiment_id
    assert stored.status == "FINISHED"
    assert stored.end_time is not None
    assert stored.params == {"lr": "0.01", "depth": "4", "loss": "log"}
    assert stored.tags == {"team": "risk"}
    assert stored.metrics["loss"].step == 249
    assert stored.metrics["acc"].value == 0.9
    assert client.runs.metric_history(run.id, "loss", project="fresh").total == 250


def test_project_defaults_to_the_environment(
    client: mlplane.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLPLANE_PROJECT", "from-env")
    monkeypatch.setenv("MLPLANE_EXPERIMENT", "env-experiment")

    with mlplane.start_run(client=client) as run:
        pass

    assert run.project == "from-env"
    assert client.experiments.get(run.experiment_id, project="from-env").name == "env-experiment"


def test_project_defaults_to_default(client: mlplane.Client) -> None:
    with mlplane.start_run(client=client, run_name="plain") as run:
        pass

    assert run.project == "default"
    assert client.experiments.get(run.experiment_id, project="default").name == "Default"
    assert _get(client, run).name == "plain"


def test_exception_in_block_flushes_and_fails_the_run(client: mlplane.Client, project: str) -> None:
    started: list[ActiveRun] = []

    def train() -> None:
        with mlplane.start_run(experiment="e", project=project, client=client) as run:
            started.append(run)
            run.log_metric("loss", 0.5, step=1)
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        train()

    stored = _get(client, started[0])
    assert stored.status == "FAILED"
    assert stored.metrics["loss"].value == 0.5


def test_keyboard_interrupt_kills_the_run(client: mlplane.Client, project: str) -> None:
    started: list[ActiveRun] = []

    def train() -> None:
        with mlplane.start_run(experiment="e", project=project, client=client) as run:
            started.append(run)
            run.log_metric("loss", 0.25)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train()

    stored = _get(client, started[0])
    assert stored.status == "KILLED"
    assert stored.metrics["loss"].value == 0.25


def test_metrics_are_sent_in_the_background(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(
        experiment="e", project=project, client=client, flush_interval=0.1
    ) as run:
        run.log_metric("loss", 3.0)

        _eventually(lambda: "loss" in _get(client, run).metrics)


def test_a_full_buffer_is_sent_without_waiting_for_the_interval(
    client: mlplane.Client, project: str
) -> None:
    with mlplane.start_run(
        experiment="e", project=project, client=client, flush_interval=3600
    ) as run:
        full = NATIVE_MAX_METRICS_PER_BATCH
        run.log_metrics({f"m{index}": float(index) for index in range(full)})

        _eventually(lambda: len(_get(client, run).metrics) == full)


def test_bad_metric_key_fails_at_the_call(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        with pytest.raises(ValueError, match="may only hold"):
            run.log_metric("bad key!", 1.0)
        with pytest.raises(TypeError, match="must be a number"):
            run.log_metric("loss", "high")  # type: ignore[arg-type]


def test_changing_a_param_fails_at_the_call(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        run.log_param("lr", 0.1)
        with pytest.raises(mlplane.ApiError) as caught:
            run.log_param("lr", 0.2)

    assert caught.value.status == 422


def test_failed_background_send_is_raised_on_flush(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        client.runs.end(run.id, project=project)  # the platform now refuses metrics
        run.log_metric("loss", 1.0)
        with pytest.raises(mlplane.ApiError) as caught:
            run.flush()

    assert caught.value.status == 409


def test_nested_runs_record_their_parent(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as parent:
        with mlplane.start_run(
            experiment="e", project=project, client=client, nested=True
        ) as child:
            assert mlplane.active_run() is child
        assert mlplane.active_run() is parent

    assert _get(client, child).parent_run_id == parent.id
    assert _get(client, parent).parent_run_id is None


def test_second_run_without_nested_is_refused(client: mlplane.Client, project: str) -> None:
    with (
        mlplane.start_run(experiment="e", project=project, client=client) as run,
        pytest.raises(RuntimeError, match="nested=True"),
    ):
        mlplane.start_run(experiment="e", project=project, client=client)

    assert len(client.runs.list(project=project)) == 1
    assert _get(client, run).status == "FINISHED"


def test_module_functions_log_to_the_active_run(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello")
    folder = tmp_path / "outputs"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.txt").write_text("x")

    run = mlplane.start_run(experiment="e", project=project, client=client)
    mlplane.log_param("lr", 0.1)
    mlplane.log_params({"depth": 3})
    mlplane.log_metric("loss", 0.3, step=2)
    mlplane.log_metrics({"acc": 0.7})
    mlplane.set_tag("stage", "dev")
    mlplane.log_artifact(source)
    mlplane.log_artifacts(folder, "outputs")
    mlplane.log_dict({"a": 1}, "config.json")
    mlplane.end_run()

    stored = _get(client, run)
    assert mlplane.active_run() is None
    assert stored.status == "FINISHED"
    assert stored.params == {"lr": "0.1", "depth": "3"}
    assert set(stored.metrics) == {"loss", "acc"}
    assert stored.tags == {"stage": "dev"}
    paths = {entry.path for entry in client.runs.list_artifacts(run.id, project=project)}
    assert paths == {"outputs", "notes.txt", "config.json"}
    assert client.runs.read_artifact(run.id, "outputs/sub/x.txt", project=project) == b"x"


def test_log_dict_writes_json_or_yaml(client: mlplane.Client, project: str) -> None:
    data = {"layers": [64, 32], "dropout": 0.1}
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        run.log_dict(data, "config/model.json")
        run.log_dict(data, "config/model.yaml")

    as_json = client.runs.read_artifact(run.id, "config/model.json", project=project)
    as_yaml = client.runs.read_artifact(run.id, "config/model.yaml", project=project)
    assert json.loads(as_json) == data
    assert yaml.safe_load(as_yaml) == data


def test_log_figure_saves_a_png(client: mlplane.Client, project: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([1, 2, 3], [3, 1, 2])
    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        run.log_figure(figure, "plots/curve.png")
    plt.close(figure)

    image = client.runs.read_artifact(run.id, "plots/curve.png", project=project)
    assert image.startswith(b"\x89PNG")


def test_log_figure_rejects_what_is_not_a_figure(client: mlplane.Client, project: str) -> None:
    with (
        mlplane.start_run(experiment="e", project=project, client=client) as run,
        pytest.raises(TypeError, match="matplotlib or plotly"),
    ):
        run.log_figure(object(), "plot.png")


def test_git_commit_and_dirty_flag_are_recorded(
    client: mlplane.Client, project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    script = repo / "train.py"
    script.write_text("print('train')\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "train.py"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    monkeypatch.setattr(sys, "argv", [str(script)])

    with mlplane.start_run(experiment="e", project=project, client=client) as clean:
        pass
    script.write_text("print('changed')\n")
    with mlplane.start_run(experiment="e", project=project, client=client) as dirty:
        pass

    assert (_get(client, clean).git_commit, _get(client, clean).git_dirty) == (commit, False)
    assert (_get(client, dirty).git_commit, _get(client, dirty).git_dirty) == (commit, True)
    assert _get(client, clean).source_name == str(script)
    assert _get(client, clean).source_type == "LOCAL"


def test_outside_a_repository_git_fields_are_empty(
    client: mlplane.Client, project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "loose.py"
    script.write_text("")
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))

    with mlplane.start_run(experiment="e", project=project, client=client) as run:
        pass

    assert (_get(client, run).git_commit, _get(client, run).git_dirty) == (None, None)


def test_resume_a_run_by_id(client: mlplane.Client, project: str) -> None:
    with mlplane.start_run(experiment="e", project=project, client=client) as first:
        first.log_metric("loss", 1.0, step=0)

    with mlplane.start_run(project=project, run_id=first.id, client=client) as resumed:
        resumed.log_metric("loss", 0.5, step=1)

    stored = _get(client, resumed)
    assert resumed.id == first.id
    assert stored.status == "FINISHED"
    assert stored.metrics["loss"].value == 0.5


def test_viewer_cannot_start_a_run(
    user_client: Callable[..., mlplane.Client], project: str, client: mlplane.Client
) -> None:
    client.experiments.create("e", project=project)
    viewer = user_client("vic", project, "viewer")

    with pytest.raises(mlplane.ApiError) as caught:
        mlplane.start_run(experiment="e", project=project, client=viewer)

    assert caught.value.status == 403
    assert mlplane.active_run() is None


def test_user_without_rights_cannot_create_a_missing_project(
    user_client: Callable[..., mlplane.Client],
) -> None:
    nobody = user_client("nobody", kind="service")

    with pytest.raises(mlplane.ApiError) as caught:
        mlplane.start_run(experiment="e", project="not-mine", client=nobody)

    assert caught.value.status == 403
    assert "may not create it" in caught.value.detail
