"""`mlplane pipelines ...`: run, list, inspect and resume pipelines; schedules and triggers."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mlplane.cli.context import client, options
from mlplane.cli.output import api_errors, print_item, print_items, print_message

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.pipelines.recording import RunRecorder
    from mlplane.pipelines.runner import PipelineResult
    from mlplane.pipelines.schemas import StepState

app = typer.Typer(
    no_args_is_help=True,
    help="Run pipelines (here on warm worker processes, or as Ray tasks on a Ray cluster with "
    "--executor ray --address HOST:PORT), follow and resume their runs.",
)
schedules_app = typer.Typer(no_args_is_help=True, help="Cron schedules that start pipelines.")
triggers_app = typer.Typer(no_args_is_help=True, help="Events that start pipelines.")
app.add_typer(schedules_app, name="schedules")
app.add_typer(triggers_app, name="triggers")

RUN_COLUMNS = ["id", "pipeline", "state", "origin", "created_at", "finished_at", "error"]
SCHEDULE_COLUMNS = ["name", "cron", "timezone", "source", "enabled", "next_run_at", "last_run_id"]
TRIGGER_COLUMNS = ["name", "event", "source", "match", "enabled", "last_run_id"]
STATE_STYLES = {
    "pending": "dim",
    "running": "yellow",
    "succeeded": "green",
    "cached": "cyan",
    "reused": "cyan",
    "failed": "red",
    "skipped": "dim",
}

ProjectOption = Annotated[
    str | None, typer.Option("--project", "-p", help="Project (default: MLPLANE_PROJECT).")
]
ExecutorOption = Annotated[
    str,
    typer.Option(
        "--executor",
        help="Where steps run: local (warm worker processes here) or ray (Ray tasks).",
    ),
]
AddressOption = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="Ray cluster for --executor ray: HOST:6379 or ray://HOST:10001 "
        "(default: RAY_ADDRESS).",
    ),
]
ParamOption = Annotated[
    list[str] | None, typer.Option("--param", help="NAME=VALUE, repeatable; VALUE may be JSON.")
]


def _check_run_options(executor: str, address: str | None) -> None:
    """Refuse a bad --executor/--address here, as the platform would, with the option named."""
    from pydantic import ValidationError

    from mlplane.pipelines.schemas import RunOptions

    try:
        RunOptions.model_validate({"executor": executor, "address": address})
    except ValidationError as error:
        first = error.errors()[0]
        hint = "--executor" if first["loc"] else "--address"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise typer.BadParameter(message, param_hint=hint) from error


def _project(project: str | None) -> str:
    from mlplane.tracking.client.projects import default_project

    return default_project(project)


def parse_params(pairs: list[str] | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs or []:
        key, separator, text = pair.partition("=")
        if not separator or not key:
            raise typer.BadParameter(f"parameter {pair!r} must be NAME=VALUE")
        try:
            params[key] = json.loads(text)
        except ValueError:
            params[key] = text
    return params


class _Progress:
    """A live table of the steps, redrawn as they move along."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self.states: dict[str, tuple[str, float | None, float]] = {}
        self.live = Live(self._table(), console=Console(stderr=True), refresh_per_second=8)

    def _table(self) -> Any:
        from rich.table import Table

        table = Table(header_style="bold")
        for column in ("step", "state", "seconds"):
            table.add_column(column)
        now = time.monotonic()
        for name, (state, finished, started) in self.states.items():
            seconds = (finished or now) - started if state != "pending" else 0.0
            style = STATE_STYLES.get(state, "")
            table.add_row(name, f"[{style}]{state}[/]", f"{seconds:.2f}")
        return table

    def on_step(self, name: str, state: StepState, _info: dict[str, Any]) -> None:
        now = time.monotonic()
        _, _, started = self.states.get(name, ("", None, now))
        finished = None if state.value == "running" else now
        self.states[name] = (state.value, finished, started)
        self.live.update(self._table())


def _pipeline_client() -> Client | RunRecorder:
    from mlplane.pipelines.local_recorder import pipeline_client

    settings = options()
    return pipeline_client(settings.url, settings.token, settings.home)


def _run(
    source: str,
    params: dict[str, Any],
    project: str | None,
    resume: str | None,
    executor: str = "local",
    address: str | None = None,
) -> None:
    from mlplane.pipelines.graph import InvalidPipeline
    from mlplane.pipelines.loader import load_pipeline
    from mlplane.pipelines.runner import run_pipeline

    try:
        pipeline = load_pipeline(source)
    except InvalidPipeline as error:
        raise typer.BadParameter(str(error)) from error
    from mlplane.pipelines.executor import get_executor

    try:
        runs_on = get_executor(executor, address)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    quiet = options().output == "json"
    progress = None if quiet else _Progress()
    with api_errors():
        try:
            if progress is not None:
                progress.live.start()
            result = run_pipeline(
                pipeline,
                params,
                project=project or pipeline.project or _project(None),
                client=_pipeline_client(),
                resume_from=resume,
                on_step=progress.on_step if progress is not None else None,
                executor=runs_on,
            )
        except (InvalidPipeline, ValueError) as error:
            raise typer.BadParameter(str(error)) from error
        finally:
            if progress is not None:
                progress.live.stop()
    _print_result(result)


def _print_result(result: PipelineResult) -> None:
    if options().output == "json":
        typer.echo(
            json.dumps(
                {
                    "run_id": result.run_id,
                    "state": result.state.value,
                    "steps": {name: state.value for name, state in result.steps.items()},
                    "error": result.error,
                }
            )
        )
    else:
        print_message(f"pipeline run {result.run_id} {result.state.value}")
        if result.error:
            print_message(result.error)
    if result.state.value != "succeeded":
        raise typer.Exit(1)


@app.command("run")
def run(
    source: Annotated[str, typer.Argument(help="FILE.py:pipeline_name, module:name or FILE.yaml")],
    param: ParamOption = None,
    project: ProjectOption = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
) -> None:
    """Run a pipeline and record it on the platform.

    Steps run on the local executor (warm worker processes here) or, with --executor ray
    --address HOST:PORT, as Ray tasks on that Ray cluster.
    """
    _run(source, parse_params(param), project, None, executor, address)


@app.command("resume")
def resume(
    run_id: str,
    project: ProjectOption = None,
    source: Annotated[
        str | None, typer.Option(help="Load the pipeline from here instead of its recorded source.")
    ] = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
) -> None:
    """Run a failed run again from its failed steps, reusing the outputs that succeeded."""
    with api_errors():
        previous = client().pipelines.get_run(_project(project), run_id)
    if not (source or previous.source):
        raise typer.BadParameter("the run has no recorded source: pass --source")
    _run(source or previous.source, {}, _project(project), run_id, executor, address)


@app.command("list")
def list_(
    project: ProjectOption = None,
    pipeline: Annotated[str | None, typer.Option(help="Only this pipeline.")] = None,
    state: Annotated[str | None, typer.Option(help="Only runs in this state.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many runs.")] = 50,
) -> None:
    """List pipeline runs, newest first."""
    with api_errors():
        runs = client().pipelines.list_runs(
            _project(project), pipeline=pipeline, state=state, limit=limit
        )
    print_items(runs, RUN_COLUMNS)


@app.command("get")
def get(run_id: str, project: ProjectOption = None) -> None:
    """Show a pipeline run and its steps."""
    with api_errors():
        found = client().pipelines.get_run(_project(project), run_id)
    if options().output == "json":
        print_item(found)
        return
    print_item(found, ["id", "pipeline", "state", "source", "params", "error", "tracking_run_id"])
    print_items(
        found.steps, ["name", "state", "attempt", "duration_ms", "output_type", "error"], "steps"
    )


@schedules_app.command("create")
def create_schedule(
    name: str,
    source: Annotated[str, typer.Argument(help="FILE.py:pipeline_name or FILE.yaml")],
    cron: Annotated[str, typer.Option(help="Cron expression, e.g. '0 3 * * *'.")],
    timezone: Annotated[str, typer.Option(help="Time zone the cron reads in.")] = "UTC",
    catch_up: Annotated[str, typer.Option(help="none, latest or all missed times.")] = "none",
    allow_overlap: Annotated[bool, typer.Option(help="Start even while one runs.")] = False,
    param: ParamOption = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    project: ProjectOption = None,
) -> None:
    """Run a pipeline on a cron schedule (evaluated by the worker)."""
    from pathlib import Path

    location, separator, attribute = source.rpartition(":")
    if separator and location.endswith(".py"):
        source = f"{Path(location).resolve()}:{attribute}"
    elif source.endswith((".yaml", ".yml")):
        source = str(Path(source).resolve())
    _check_run_options(executor, address)
    with api_errors():
        schedule = client().pipelines.create_schedule(
            _project(project),
            name,
            source,
            cron,
            timezone=timezone,
            catch_up=catch_up,
            no_overlap=not allow_overlap,
            params=parse_params(param),
            executor=executor,
            address=address,
        )
    print_item(schedule)


@schedules_app.command("list")
def list_schedules(project: ProjectOption = None) -> None:
    """List a project's schedules."""
    with api_errors():
        schedules = client().pipelines.list_schedules(_project(project))
    print_items(schedules, SCHEDULE_COLUMNS)


@schedules_app.command("delete")
def delete_schedule(name: str, project: ProjectOption = None) -> None:
    """Delete a schedule; runs it started stay."""
    with api_errors():
        client().pipelines.delete_schedule(_project(project), name)
    print_message(f"schedule {name} deleted")


@triggers_app.command("create")
def create_trigger(
    name: str,
    source: Annotated[str, typer.Argument(help="FILE.py:pipeline_name or FILE.yaml")],
    event: Annotated[str, typer.Option(help="Event kind, e.g. data.version.created.")],
    match: Annotated[
        list[str] | None, typer.Option(help="FIELD=VALUE the event payload must have.")
    ] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="PARAM=FIELD: parameter from the event.")
    ] = None,
    param: ParamOption = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    project: ProjectOption = None,
) -> None:
    """Start a pipeline when an event happens (a dataset version, a model version, an alert)."""
    from pathlib import Path

    location, separator, attribute = source.rpartition(":")
    if separator and location.endswith(".py"):
        source = f"{Path(location).resolve()}:{attribute}"
    param_map = {key: str(value) for key, value in parse_params(map_).items()}
    _check_run_options(executor, address)
    with api_errors():
        trigger = client().pipelines.create_trigger(
            _project(project),
            name,
            source,
            event,
            match=parse_params(match),
            param_map=param_map,
            params=parse_params(param),
            executor=executor,
            address=address,
        )
    print_item(trigger)


@triggers_app.command("list")
def list_triggers(project: ProjectOption = None) -> None:
    """List a project's triggers."""
    with api_errors():
        triggers = client().pipelines.list_triggers(_project(project))
    print_items(triggers, TRIGGER_COLUMNS)


@triggers_app.command("delete")
def delete_trigger(name: str, project: ProjectOption = None) -> None:
    """Delete a trigger."""
    with api_errors():
        client().pipelines.delete_trigger(_project(project), name)
    print_message(f"trigger {name} deleted")
