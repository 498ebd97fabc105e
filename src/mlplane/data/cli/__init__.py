"""`mlplane data ...` and `mlplane sql`."""

from __future__ import annotations

from mlplane.data.cli import checks, datasets, queries
from mlplane.data.cli.ingest import ingest

app = datasets.app
app.command("ingest")(ingest)
app.add_typer(checks.app, name="checks")
app.add_typer(queries.app, name="queries")

__all__ = ["app"]
