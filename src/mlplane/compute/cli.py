"""`mlplane jobs ...`, `mlplane pools ...` and `mlplane cost`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mlplane.cli.context import client, options
from mlplane.cli.output import api_errors, print_item, print_items, print_json, print_message

app = typer.Typer(no_args_is_help=True, help="Submit, list, follow and cancel jobs.")
pools_app = typer.Typer(no_args_is_help=True, help="Compute pools: capacity, use and prices.")

JOB_COLUMNS = ["id", "name", "status", "pool", "attempt", "reason", "created_at"]
POOL_COLUMNS = ["name", "kind", "address", "queued_jobs", "created_at"]

ProjectOption = Annotated[str | None, typer.Option("--project", "-p", help="Project name.")]


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    parsed = {}
    for value in values or []:
        key, separator, item = value.partition("=")
        if not separator:
            raise typer.BadParameter(f"{value!r} must be KEY=VALUE", param_hint=option)
        parsed[key] = item
    return parsed


def _print_logs(job_id: str, project: str | None, follow: bool) -> None:
    jobs = client().jobs
    with api_errors():
        if follow:
            for line in jobs.follow(job_id, project=project):
                typer.echo(line.text, err=line.stream == "stderr")
            return
        after = 0
        while True:
            page = jobs.logs(job_id, project=project, after=after)
            for line in page.lines:
                typer.echo(line.text, err=line.stream == "stderr")
            if not page.lines:
                return
            after = page.next_seq


@app.command("submit", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def submit(
    ctx: typer.Context,
    spec_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="A job spec in YAML.", exists=True)
    ] = None,
    project: ProjectOption = None,
    name: Annotated[str | None, typer.Option()] = None,
    entry_point: Annotated[str | None, typer.Option(help="package.module[:function]")] = None,
    pool: Annotated[str | None, typer.Option()] = None,
    cpu: Annotated[float | None, typer.Option()] = None,
    memory: Annotated[str | None, typer.Option(help="e.g. 512Mi, 2Gi")] = None,
    gpu: Annotated[int | None, typer.Option()] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds.")] = None,
    retries: Annotated[int | None, typer.Option(help="Retries after a failure.")] = None,
    priority: Annotated[int | None, typer.Option()] = None,
    env: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
    requirement: Annotated[list[str] | None, typer.Option(help="Repeatable.")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Stream the logs until it ends.")
    ] = False,
) -> None:
    """Submit a job from a spec file, options, or a command after `--`.

    mlplane jobs submit --cpu 2 -- python train.py --epochs 3
    """
    from mlplane.compute.client import load_spec

    body: dict[str, Any] = {}
    if spec_file is not None:
        try:
            body = load_spec(spec_file).model_dump(mode="json", exclude_unset=True)
        except (OSError, ValueError) as error:
            raise typer.BadParameter(str(error), param_hint="--file") from error
    if ctx.args:
        body["command"] = list(ctx.args)
    simple = {"name": name, "entry_point": entry_point, "pool": pool, "priority": priority}
    body.update({key: value for key, value in simple.items() if value is not None})
    if timeout is not None:
        body["timeout_seconds"] = timeout
    resources = dict(body.get("resources", {}))
    for key, value in (("cpu", cpu), ("memory", memory), ("gpu", gpu)):
        if value is not None:
            resources[key] = value
    if resources:
        body["resources"] = resources
    if retries is not None:
        body["retry"] = {**body.get("retry", {}), "max_retries": retries}
    if env:
        body["env"] = {**body.get("env", {}), **_pairs(env, "--env")}
    if requirement:
        environment = dict(body.get("environment", {}))
        environment["requirements"] = [*environment.get("requirements", []), *requirement]
        body["environment"] = environment
    with api_errors():
        job = client().jobs.submit(body, project=project)
    print_message(f"Submitted job [bold]{job.id}[/bold] ({job.status.value}).")
    if follow:
        _print_logs(job.id, project, follow=True)
        with api_errors():
            job = client().jobs.get(job.id, project=project)
        print_message(
            f"Job {job.id} {job.status.value}" + (f": {job.reason}" if job.reason else "")
        )
        if job.status.value != "SUCCEEDED":
            raise typer.Exit(1)
    elif options().output == "json":
        print_json(job)
    else:
        print_item(job, ["id", "name", "status", "pool", "run_id", "reason"])


@app.command("list")
def list_(
    project: ProjectOption = None,
    status: Annotated[list[str] | None, typer.Option(help="Repeatable.")] = None,
    limit: Annotated[int, typer.Option()] = 100,
) -> None:
    """List a project's jobs, newest first."""
    with api_errors():
        jobs = client().jobs.list(project=project, status=status, limit=limit)
    print_items(jobs, JOB_COLUMNS)


@app.command("get")
def get(job_id: str, project: ProjectOption = None) -> None:
    """Show one job, its status and why."""
    with api_errors():
        job = client().jobs.get(job_id, project=project)
    print_item(job)


@app.command("logs")
def logs(
    job_id: str,
    project: ProjectOption = None,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep streaming until it ends.")
    ] = False,
) -> None:
    """Print a job's output; `-f` follows it live."""
    _print_logs(job_id, project, follow)


@app.command("cancel")
def cancel(job_id: str, project: ProjectOption = None) -> None:
    """Cancel a job: a running one has its whole process tree stopped."""
    with api_errors():
        job = client().jobs.cancel(job_id, project=project)
    print_message(f"Job {job.id}: {job.status.value}" + (f" ({job.reason})" if job.reason else ""))


@app.command("quota")
def quota(
    project: ProjectOption = None,
    max_cpus: Annotated[float | None, typer.Option()] = None,
    max_gpus: Annotated[int | None, typer.Option()] = None,
    max_jobs: Annotated[int | None, typer.Option()] = None,
    set_: Annotated[
        bool, typer.Option("--set", help="Replace the quota (administrators).")
    ] = False,
) -> None:
    """Show (or with --set, replace) a project's concurrent CPU/GPU/job quota."""
    jobs = client().jobs
    with api_errors():
        if set_:
            result = jobs.set_quota(
                project=project, max_cpus=max_cpus, max_gpus=max_gpus, max_jobs=max_jobs
            )
        else:
            result = jobs.quota(project=project)
    print_item(result)


@pools_app.command("list")
def list_pools() -> None:
    """List pools with what they have free."""
    with api_errors():
        pools = client().pools.list()
    if options().output == "json":
        print_json(pools)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("name", "kind", "CPUs used/total", "GPUs used/total", "running", "queued"):
        table.add_column(column)
    for pool in pools:
        table.add_row(
            pool.name,
            pool.kind.value,
            f"{pool.used.cpus:g}/{pool.capacity.cpus:g}",
            f"{pool.used.gpus}/{pool.capacity.gpus}",
            str(pool.used.jobs),
            str(pool.queued_jobs),
        )
    Console().print(table)


@pools_app.command("get")
def get_pool(name: str) -> None:
    """Show a pool: capacity, use, prices."""
    with api_errors():
        pool = client().pools.get(name)
    print_item(pool)


@pools_app.command("create")
def create_pool(
    name: str,
    kind: Annotated[str, typer.Option(help="local or ray")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray dashboard address.")] = None,
    cpus: Annotated[float | None, typer.Option()] = None,
    memory: Annotated[str | None, typer.Option()] = None,
    gpus: Annotated[int | None, typer.Option()] = None,
    cpu_hour: Annotated[float, typer.Option(help="Price per CPU-hour.")] = 0.0,
    gb_hour: Annotated[float, typer.Option(help="Price per GB-hour of memory.")] = 0.0,
    gpu_hour: Annotated[float, typer.Option(help="Price per GPU-hour.")] = 0.0,
    spot_factor: Annotated[float | None, typer.Option(help="Spot price multiplier.")] = None,
) -> None:
    """Add a pool (administrators)."""
    prices = {
        "cpu_hour": cpu_hour,
        "gb_hour": gb_hour,
        "gpu_hour": gpu_hour,
        "spot_factor": spot_factor,
    }
    with api_errors():
        pool = client().pools.create(
            name, kind, address=address, cpus=cpus, memory=memory, gpus=gpus, prices=prices
        )
    print_item(pool, ["name", "kind", "address", "capacity", "prices"])


@pools_app.command("update")
def update_pool(
    name: str,
    cpus: Annotated[float | None, typer.Option()] = None,
    memory: Annotated[str | None, typer.Option()] = None,
    gpus: Annotated[int | None, typer.Option()] = None,
    cpu_hour: Annotated[float | None, typer.Option()] = None,
    gb_hour: Annotated[float | None, typer.Option()] = None,
    gpu_hour: Annotated[float | None, typer.Option()] = None,
    spot_factor: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Change a pool's capacity or prices (administrators)."""
    pools = client().pools
    changes: dict[str, Any] = {
        key: value
        for key, value in (("cpus", cpus), ("memory", memory), ("gpus", gpus))
        if value is not None
    }
    with api_errors():
        if any(value is not None for value in (cpu_hour, gb_hour, gpu_hour, spot_factor)):
            current = pools.get(name).prices.model_dump()
            given = {
                "cpu_hour": cpu_hour,
                "gb_hour": gb_hour,
                "gpu_hour": gpu_hour,
                "spot_factor": spot_factor,
            }
            changes["prices"] = {**current, **{k: v for k, v in given.items() if v is not None}}
        pool = pools.update(name, **changes)
    print_item(pool, ["name", "kind", "capacity", "prices"])


def cost(
    project: ProjectOption = None,
    days: Annotated[int, typer.Option(help="How many days back, today included.")] = 30,
) -> None:
    """Cost of jobs per day: for one project, or every project you can see."""
    with api_errors():
        report = (
            client().cost.project(project, days=days)
            if project
            else client().cost.platform(days=days)
        )
    if options().output == "json":
        print_json(report)
        return
    print_items(
        report.days,
        ["day", "jobs", "cpu_hours", "gb_hours", "gpu_hours", "cost"],
        title=f"cost since {report.since}",
    )
    for name, amount in sorted(report.by_project.items()):
        print_message(f"{name}: {amount:.4f}")
    print_message(f"total: {report.total:.4f} over {report.jobs} jobs")


def tune(
    file: Annotated[
        Path, typer.Argument(help="A search in YAML: job, space, metric...", exists=True)
    ],
    project: ProjectOption = None,
    trials: Annotated[int | None, typer.Option(help="Overrides the file's `trials`.")] = None,
) -> None:
    """Search hyper-parameters with Optuna; each trial runs as a job and a tracked run.

    The file holds `job` (a job spec), `space` (name -> {type: float|int|categorical,
    low, high, log, choices}), `metric`, and optionally `direction`, `trials`,
    `parallelism`, `study`.
    """
    import yaml

    from mlplane.compute.tuning import tune as run_search

    try:
        search = yaml.safe_load(file.read_text())
        if not isinstance(search, dict) or "job" not in search or "space" not in search:
            raise ValueError("the file needs `job` and `space`")
        if "metric" not in search:
            raise ValueError("the file needs `metric`, the name the trials log")
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise typer.BadParameter(str(error), param_hint="FILE") from error
    with api_errors():
        result = run_search(
            client(),
            search["job"],
            search["space"],
            metric=str(search["metric"]),
            direction=str(search.get("direction", "minimize")),
            n_trials=trials or int(search.get("trials", 10)),
            parallelism=int(search.get("parallelism", 1)),
            project=project,
            study=search.get("study"),
        )
    if options().output == "json":
        from dataclasses import asdict

        print_json(asdict(result))
        return
    for trial in result.trials:
        print_message(f"trial {trial.number}: {trial.status} value={trial.value} {trial.params}")
    if result.best is not None:
        print_message(
            f"best of study {result.study}: {result.best.value} with {result.best.params}"
        )
    else:
        print_message(f"study {result.study}: no trial reported {search['metric']!r}")
        raise typer.Exit(1)
