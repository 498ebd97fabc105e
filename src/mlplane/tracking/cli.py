"""`mlplane experiments ...` and `mlplane runs ...`"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from mlplane.cli.arguments import OutputOption, parse_tags, use_output
from mlplane.cli.context import client, options
from mlplane.cli.output import api_errors, print_item, print_items, print_json, print_message
from mlplane.tracking.schemas import Run

experiments_app = typer.Typer(no_args_is_help=True, help="Create, list and delete experiments.")
runs_app = typer.Typer(no_args_is_help=True, help="List, inspect, compare and delete runs.")

EXPERIMENT_COLUMNS = ["id", "name", "lifecycle", "description", "created_by", "created_at"]

ProjectOption = Annotated[
    str | None,
    typer.Option("--project", "-p", help="Project (default: MLPLANE_PROJECT or 'default')."),
]
FilterOption = Annotated[
    str, typer.Option("--filter", "-f", help="e.g. \"metrics.acc > 0.9 and params.lr = '0.01'\"")
]
OrderOption = Annotated[
    list[str] | None,
    typer.Option("--order-by", help="e.g. 'metrics.acc DESC'; repeatable."),
]


@experiments_app.command("list")
def list_experiments(
    project: ProjectOption = None,
    filter_: FilterOption = "",
    order_by: OrderOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Include deleted experiments.")] = False,
    output: OutputOption = None,
) -> None:
    """List a project's experiments."""
    use_output(output)
    with api_errors():
        experiments = client().experiments.list(
            project=project,
            filter=filter_,
            order_by=order_by,
            view="ALL" if all_ else "ACTIVE_ONLY",
        )
    print_items(experiments, EXPERIMENT_COLUMNS)


@experiments_app.command("get")
def get_experiment(
    experiment: Annotated[str, typer.Argument(help="Id or name.")],
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Show one experiment."""
    use_output(output)
    with api_errors():
        found = client().experiments.get(experiment, project=project)
    print_item(found)


@experiments_app.command("create")
def create_experiment(
    name: str,
    project: ProjectOption = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
    output: OutputOption = None,
) -> None:
    """Create an experiment."""
    use_output(output)
    with api_errors():
        created = client().experiments.create(
            name, project=project, description=description, tags=parse_tags(tag)
        )
    print_item(created)


@experiments_app.command("delete")
def delete_experiment(
    experiment: Annotated[str, typer.Argument(help="Id or name.")],
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Delete an experiment and its runs (they can be restored)."""
    use_output(output)
    with api_errors():
        deleted = client().experiments.delete(experiment, project=project)
    print_message(f"Deleted experiment [bold]{deleted.name}[/bold] ({deleted.id}).")
    if options().output == "json":
        print_json(deleted)


def _jsonable(model: BaseModel) -> Any:
    """Plain JSON, with non-finite metric values as "Infinity"/"NaN" strings like the API."""
    return json.loads(model.model_dump_json())


def _json_number(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


@runs_app.command("list")
def list_runs(
    project: ProjectOption = None,
    experiment: Annotated[
        list[str] | None, typer.Option("--experiment", "-e", help="Id or name; repeatable.")
    ] = None,
    filter_: FilterOption = "",
    order_by: OrderOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many runs.")] = 100,
    all_: Annotated[bool, typer.Option("--all", help="Include deleted runs.")] = False,
    output: OutputOption = None,
) -> None:
    """List runs, filtered and ordered with MLflow's search language."""
    use_output(output)
    with api_errors():
        runs = client().runs.search(
            project=project,
            experiments=experiment,
            filter=filter_,
            order_by=order_by,
            view="ALL" if all_ else "ACTIVE_ONLY",
            limit=limit,
        )
    if options().output == "json":
        print_json([_jsonable(run) for run in runs])
        return
    _print_runs_table(runs)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return "" if value is None else str(value)


def _print_runs_table(runs: list[Run]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("id", "name", "status", "experiment_id", "metrics", "params"):
        table.add_column(column)
    for run in runs:
        metrics = ", ".join(f"{k}={_format(m.value)}" for k, m in sorted(run.metrics.items()))
        params = ", ".join(f"{k}={v}" for k, v in sorted(run.params.items()))
        table.add_row(run.id, run.name, run.status.value, run.experiment_id, metrics, params)
    Console().print(table)


@runs_app.command("get")
def get_run(run_id: str, project: ProjectOption = None, output: OutputOption = None) -> None:
    """Show one run with its params, latest metrics and tags."""
    use_output(output)
    with api_errors():
        run = client().runs.get(run_id, project=project)
    if options().output == "json":
        print_json(_jsonable(run))
        return
    print_item(run, ["id", "name", "status", "experiment_id", "user", "start_time", "end_time"])
    _compare_table([run])


def _compare_table(runs: list[Run]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    table.add_column("")
    for run in runs:
        table.add_column(f"{run.name}\n{run.id[-8:]}")
    params = sorted({key for run in runs for key in run.params})
    metrics = sorted({key for run in runs for key in run.metrics})
    for key in params:
        table.add_row(f"params.{key}", *(_format(run.params.get(key)) for run in runs))
    for key in metrics:
        values = [run.metrics[key].value if key in run.metrics else None for run in runs]
        table.add_row(f"metrics.{key}", *(_format(value) for value in values))
    Console().print(table)


@runs_app.command("compare")
def compare_runs(
    run_ids: Annotated[list[str], typer.Argument(help="Two or more run ids.")],
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Params and metrics of several runs side by side."""
    use_output(output)
    with api_errors():
        api = client()
        runs = [api.runs.get(run_id, project=project) for run_id in run_ids]
    if options().output == "json":
        print_json(
            {
                "runs": [run.id for run in runs],
                "params": {
                    key: {run.id: run.params.get(key) for run in runs}
                    for key in sorted({key for run in runs for key in run.params})
                },
                "metrics": {
                    key: {
                        run.id: _json_number(run.metrics[key].value if key in run.metrics else None)
                        for run in runs
                    }
                    for key in sorted({key for run in runs for key in run.metrics})
                },
            }
        )
        return
    _compare_table(runs)


@runs_app.command("delete")
def delete_run(run_id: str, project: ProjectOption = None, output: OutputOption = None) -> None:
    """Delete a run (it can be restored)."""
    use_output(output)
    with api_errors():
        run = client().runs.delete(run_id, project=project)
    print_message(f"Deleted run [bold]{run.name}[/bold] ({run.id}).")
    if options().output == "json":
        print_json(_jsonable(run))
