"""`mlplane up`, `mlplane api|worker|gateway`, `mlplane status`."""

from __future__ import annotations

import socket
import threading
from typing import Annotated

import typer

from mlplane.cli.context import client, options
from mlplane.cli.output import api_errors, print_json

HomeOption = Annotated[
    str | None, typer.Option("--home", help="Platform home (default ~/.mlplane).")
]
HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
HEALTH_TIMEOUT = 60.0


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def up(
    home: HomeOption = None,
    host: HostOption = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="API and control-panel port (0: any free port).")
    ] = 5050,
    gateway_port: Annotated[int, typer.Option(help="Inference gateway port (0: any free).")] = 5051,
    demo: Annotated[bool, typer.Option("--demo", help="Create the demo project on start.")] = False,
) -> None:
    """Start the whole platform on this machine and keep it running until Ctrl-C."""
    from mlplane.core.logging import configure_logging
    from mlplane.core.settings import load_settings
    from mlplane.server.supervisor import PlatformAlreadyRunning, Supervisor, acquire_home_lock

    settings = load_settings(home or options().home)
    configure_logging(settings.log_level, process="supervisor")
    try:
        lock = acquire_home_lock(settings)
    except PlatformAlreadyRunning as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error
    supervisor = Supervisor(
        settings,
        host,
        port or _free_port(host),
        gateway_port or _free_port(host),
    )
    first_start = not settings.admin_token_file.exists()
    supervisor.start()
    try:
        if not supervisor.wait_healthy(HEALTH_TIMEOUT):
            typer.secho("Error: the api did not become healthy", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        # The api wrote the administrator token while preparing a new home: show it once.
        secret = settings.admin_token_file.read_text().strip() if first_start else None
        supervisor.publish()
        _announce(supervisor.url, supervisor.gateway_url, str(settings.home), secret)
    except BaseException:
        supervisor.stop()
        lock.close()
        raise
    if demo:
        # Seeding runs beside the supervisor so that a child dying meanwhile is restarted.
        admin_token = settings.admin_token_file.read_text().strip()
        threading.Thread(target=_seed_demo, args=(supervisor.url, admin_token), daemon=True).start()
    supervisor.run_forever()
    lock.close()


def _seed_demo(url: str, token: str) -> None:
    from mlplane.client.client import Client
    from mlplane.demo import seed

    try:
        with Client(url, token) as demo_client:
            seed(demo_client)
    except Exception as error:  # the platform stays up; the demo is a convenience
        typer.secho(f"Demo project could not be created: {error}", fg=typer.colors.RED, err=True)
        return
    typer.echo(f"Demo project ready: {url}/projects/demo", err=True)


def _announce(url: str, gateway_url: str, home: str, secret: str | None) -> None:
    lines = [
        f"mlplane is up   control panel and API: {url}",
        f"                inference gateway:     {gateway_url}",
        f"                home:                  {home}",
    ]
    if secret:
        lines += [
            "",
            "Administrator token (shown this once; saved with mode 0600 in admin.token):",
            f"  {secret}",
        ]
    typer.echo("\n".join(lines), err=True)


def api(
    host: HostOption = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 5050,
) -> None:
    """Run the api process alone (for a cluster deployment)."""
    from mlplane.server.processes import main

    main(["api", "--host", host, "--port", str(port)])


def worker() -> None:
    """Run the worker process alone."""
    from mlplane.server.processes import main

    main(["worker"])


def gateway(
    host: HostOption = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 5051,
) -> None:
    """Run the inference gateway alone."""
    from mlplane.server.processes import main

    main(["gateway", "--host", host, "--port", str(port)])


def status() -> None:
    """Where this CLI talks, whether the platform is healthy, and who you are there."""
    with api_errors():
        platform = client()
        health = platform.health()
        me = platform.users.me()
    result = {
        "url": platform.url,
        "in_process": platform.transport.in_process,
        **health,
        "user": me.name,
    }
    if options().output == "json":
        print_json(result)
        return
    for key, value in result.items():
        typer.echo(f"{key:>10}: {value}")
