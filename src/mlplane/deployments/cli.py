"""`mlplane deploy ...`: deployments and their rollouts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_message

app = typer.Typer(no_args_is_help=True, help="Deploy registry versions and steer rollouts.")

COLUMNS = ["name", "status", "outcome", "stable", "candidate", "failed_checks", "updated_at"]
EVENT_COLUMNS = ["seq", "created_at", "kind", "message", "details", "actor"]
ProjectOption = Annotated[str | None, typer.Option("--project", "-p", help="The project.")]
StrategyOption = Annotated[
    str | None,
    typer.Option(help="direct, canary, blue_green or shadow (how new versions roll out)."),
]
PercentOption = Annotated[
    int | None, typer.Option(help="Shadow: share of calls copied to the new version.")
]
SampleRateOption = Annotated[
    str | None,
    typer.Option(help="Share of calls (0 to 1) whose payloads are kept; 'default': the gateway's."),
]
RedactOption = Annotated[
    list[str] | None,
    typer.Option(help="A field or column replaced by [redacted] in kept payloads (repeatable)."),
]
StepOption = Annotated[int | None, typer.Option(help="Canary: weight added per passing check.")]
MaxOption = Annotated[int | None, typer.Option(help="Canary: weight at which it promotes.")]
IntervalOption = Annotated[float | None, typer.Option(help="Seconds between checks.")]
ThresholdOption = Annotated[int | None, typer.Option(help="Failed checks before rollback.")]
SuccessOption = Annotated[float | None, typer.Option(help="Lowest acceptable success rate.")]
LatencyOption = Annotated[float | None, typer.Option(help="Highest acceptable p99 in ms.")]
RequestsOption = Annotated[int | None, typer.Option(help="Calls a check needs to count.")]
AnalysisOption = Annotated[
    bool | None, typer.Option("--analysis/--no-analysis", help="Blue-green: check first.")
]
AutoOption = Annotated[
    bool | None, typer.Option("--auto-promote/--no-auto-promote", help="Blue-green: switch.")
]
DelayOption = Annotated[
    float | None, typer.Option(help="Blue-green: seconds the old version stays loaded.")
]


def _sample_rate(value: str | None) -> float | Literal["default"] | None:
    if value is None:
        return None
    if value == "default":
        return "default"
    try:
        return float(value)
    except ValueError:
        raise typer.BadParameter(
            "a number from 0 to 1, or 'default'", param_hint="--payload-sample-rate"
        ) from None


def _strategy(strategy: str | None, **options: Any) -> dict[str, Any] | None:
    given = {key: value for key, value in options.items() if value is not None}
    if strategy is None:
        if given:
            raise typer.BadParameter("needs --strategy", param_hint="--strategy")
        return None
    return {"type": strategy, **given}


@app.command("create")
def create(
    name: str,
    model: Annotated[
        str, typer.Argument(help="models:/<name>/<version> or models:/<name>@<alias>")
    ],
    strategy: StrategyOption = None,
    step_weight: StepOption = None,
    max_weight: MaxOption = None,
    interval: IntervalOption = None,
    threshold: ThresholdOption = None,
    min_success_rate: SuccessOption = None,
    max_p99_ms: LatencyOption = None,
    min_requests: RequestsOption = None,
    analysis: AnalysisOption = None,
    auto_promote: AutoOption = None,
    scale_down_delay: DelayOption = None,
    percent: PercentOption = None,
    description: Annotated[str, typer.Option(help="What it serves.")] = "",
    payload_sample_rate: SampleRateOption = None,
    redact: RedactOption = None,
    project: ProjectOption = None,
) -> None:
    """Serve MODEL as NAME on the gateway; later versions roll out with the strategy."""
    chosen = _strategy(
        strategy,
        step_weight=step_weight,
        max_weight=max_weight,
        interval=interval,
        threshold=threshold,
        min_success_rate=min_success_rate,
        max_p99_ms=max_p99_ms,
        min_requests=min_requests,
        analysis=analysis,
        auto_promote=auto_promote,
        scale_down_delay=scale_down_delay,
        percent=percent,
    )
    rate = _sample_rate(payload_sample_rate)
    with api_errors():
        deployment = client().deployments.create(
            name,
            model,
            strategy=chosen,
            description=description,
            payload_sample_rate=None if rate == "default" else rate,
            redact=redact,
            project=project,
        )
    print_item(deployment)


@app.command("update")
def update(
    name: str,
    model: Annotated[str | None, typer.Option(help="A new version: starts a rollout.")] = None,
    strategy: StrategyOption = None,
    step_weight: StepOption = None,
    max_weight: MaxOption = None,
    interval: IntervalOption = None,
    threshold: ThresholdOption = None,
    min_success_rate: SuccessOption = None,
    max_p99_ms: LatencyOption = None,
    min_requests: RequestsOption = None,
    analysis: AnalysisOption = None,
    auto_promote: AutoOption = None,
    scale_down_delay: DelayOption = None,
    percent: PercentOption = None,
    payload_sample_rate: SampleRateOption = None,
    redact: RedactOption = None,
    no_redact: Annotated[bool, typer.Option(help="Redact nothing in kept payloads.")] = False,
    project: ProjectOption = None,
) -> None:
    """Roll out a new version of NAME, or change how rollouts go and what calls are kept."""
    chosen = _strategy(
        strategy,
        step_weight=step_weight,
        max_weight=max_weight,
        interval=interval,
        threshold=threshold,
        min_success_rate=min_success_rate,
        max_p99_ms=max_p99_ms,
        min_requests=min_requests,
        analysis=analysis,
        auto_promote=auto_promote,
        scale_down_delay=scale_down_delay,
        percent=percent,
    )
    if no_redact and redact:
        raise typer.BadParameter(
            "--redact and --no-redact exclude each other", param_hint="--redact"
        )
    with api_errors():
        deployment = client().deployments.update(
            name,
            model=model,
            strategy=chosen,
            payload_sample_rate=_sample_rate(payload_sample_rate),
            redact=[] if no_redact else redact,
            project=project,
        )
    print_item(deployment)


@app.command("status")
def status(
    name: Annotated[str | None, typer.Argument(help="One deployment; default: all.")] = None,
    project: ProjectOption = None,
) -> None:
    """Show a deployment's versions and rollout, or list the project's deployments."""
    with api_errors():
        if name is None:
            print_items(client().deployments.list(project=project), COLUMNS)
            return
        print_item(client().deployments.get(name, project=project))


@app.command("promote")
def promote(name: str, project: ProjectOption = None) -> None:
    """Give the candidate all traffic now."""
    with api_errors():
        print_item(client().deployments.promote(name, project=project))


@app.command("rollback")
def rollback(name: str, project: ProjectOption = None) -> None:
    """Drop the candidate; with no rollout running, return to the previous version."""
    with api_errors():
        print_item(client().deployments.rollback(name, project=project))


@app.command("pause")
def pause(name: str, project: ProjectOption = None) -> None:
    """Hold the rollout at its current weight."""
    with api_errors():
        print_item(client().deployments.pause(name, project=project))


@app.command("resume")
def resume(name: str, project: ProjectOption = None) -> None:
    """Let a paused rollout carry on."""
    with api_errors():
        print_item(client().deployments.resume(name, project=project))


@app.command("abort")
def abort(name: str, project: ProjectOption = None) -> None:
    """Stop the rollout and send all traffic back to the stable version."""
    with api_errors():
        print_item(client().deployments.abort(name, project=project))


@app.command("events")
def events(name: str, project: ProjectOption = None) -> None:
    """What happened to NAME: each step and decision with the numbers behind it."""
    with api_errors():
        print_items(client().deployments.events(name, project=project), EVENT_COLUMNS)


@app.command("delete")
def delete(name: str, project: ProjectOption = None) -> None:
    """Stop serving NAME and forget the deployment."""
    with api_errors():
        client().deployments.delete(name, project=project)
    print_message(f"deleted deployment {name}")


@app.command("metrics")
def metrics(
    name: str,
    window: Annotated[str, typer.Option(help="15m, 1h, 6h or 24h.")] = "1h",
    project: ProjectOption = None,
) -> None:
    """Calls, server errors and latency per minute for each version NAME serves."""
    from mlplane.cli.context import options
    from mlplane.cli.output import print_json

    with api_errors():
        found = client().deployments.metrics(name, window=window, project=project)
    if options().output == "json":
        print_json(found)
        return
    columns = ["minute", "requests", "errors", "client_errors", "latency_p50_ms",
               "latency_p95_ms", "latency_p99_ms"]  # fmt: skip
    for series in found.versions:
        title = f"version {series.version} ({series.target or 'no longer routed'})"
        print_items(series.points, columns, title=title)
