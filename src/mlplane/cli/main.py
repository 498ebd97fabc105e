"""The `mlplane` command. Subcommands load lazily so that `--help` stays instant."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from mlplane import __version__
from mlplane.cli.context import CliOptions, set_options
from mlplane.cli.lazy_group import LazyCommand, LazyGroup


class RootGroup(LazyGroup):
    lazy_commands = {
        "up": LazyCommand(
            "mlplane.cli.processes", "up", "Start the platform: api, worker, gateway."
        ),
        "api": LazyCommand("mlplane.cli.processes", "api", "Run the api process alone."),
        "worker": LazyCommand("mlplane.cli.processes", "worker", "Run the worker process alone."),
        "gateway": LazyCommand(
            "mlplane.cli.processes", "gateway", "Run the inference gateway alone."
        ),
        "status": LazyCommand(
            "mlplane.cli.processes", "status", "Show the platform this CLI uses."
        ),
        "projects": LazyCommand("mlplane.catalog.cli", "app", "Create, list and change projects."),
        "users": LazyCommand(
            "mlplane.governance.cli", "users_app", "Manage users and service accounts."
        ),
        "tokens": LazyCommand(
            "mlplane.governance.cli", "tokens_app", "Create, list, revoke API tokens."
        ),
        "audit": LazyCommand("mlplane.governance.cli", "audit_app", "Search the audit log."),
        "data": LazyCommand("mlplane.data.cli", "app", "Versioned datasets: push, pull, ingest."),
        "serve": LazyCommand("mlplane.serving.cli", "app", "Serve model folders on the gateway."),
        "deploy": LazyCommand("mlplane.deployments.cli", "app", "Deploy versions, steer rollouts."),
        "sql": LazyCommand("mlplane.data.cli.sql", "run_sql", "Run SQL over datasets (read-only)."),
        "experiments": LazyCommand(
            "mlplane.tracking.cli", "experiments_app", "Create, list and delete experiments."
        ),
        "runs": LazyCommand(
            "mlplane.tracking.cli", "runs_app", "List, inspect, compare and delete runs."
        ),
        "models": LazyCommand("mlplane.registry.cli", "app", "Model registry and approvals."),
        "jobs": LazyCommand("mlplane.compute.cli", "app", "Submit, list, follow, cancel jobs."),
        "pools": LazyCommand("mlplane.compute.cli", "pools_app", "Compute pools and their use."),
        "cost": LazyCommand("mlplane.compute.cli", "cost", "Cost of jobs per day and project."),
        "tune": LazyCommand("mlplane.compute.cli", "tune", "Hyper-parameter search as jobs."),
        "pipelines": LazyCommand("mlplane.pipelines.cli", "app", "Run and follow pipelines."),
    }


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"


app = typer.Typer(
    cls=RootGroup,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mlplane {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    url: Annotated[str | None, typer.Option(envvar="MLPLANE_URL", help="Platform address.")] = None,
    token: Annotated[str | None, typer.Option(envvar="MLPLANE_TOKEN", help="API token.")] = None,
    home: Annotated[
        str | None, typer.Option(envvar="MLPLANE_HOME", help="Platform home (default ~/.mlplane).")
    ] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="Output format.")] = Output.TABLE,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """mlplane: the whole lifecycle of AI work behind one API."""
    set_options(CliOptions(url=url, token=token, home=home, output=output.value))


def main() -> None:
    app(prog_name="mlplane")
