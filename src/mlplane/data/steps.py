"""Ready-made pipeline steps: ingest a source into a dataset version, and gate on checks.

    from mlplane.data.steps import ingest, validate
    from mlplane.pipelines.dsl import pipeline

    @pipeline(project="shop")
    def orders() -> dict:
        version = ingest("orders", {"kind": "sql", "url": "sqlite:///shop.db",
                                    "table": "orders", "cursor_column": "id"}, project="shop")
        return train(version)

In YAML the same steps are `function: mlplane.data.steps:ingest` with the arguments under
`args`. `ingest` writes a new version, or nothing when the source has nothing new; the
dataset's checks run on the new version, and a version that fails them is kept as `failed`
and makes the step fail, naming the failed checks and their failing rows, so the pipeline
stops there. `validate` runs checks on an existing version and fails the same way.

Both steps reach the platform the way the SDK does (`MLPLANE_URL`, a platform running on
`MLPLANE_HOME`, else the app in-process on that home), from the process the step runs in.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mlplane.data.schemas.checks import Check, CheckResult
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.versions import DatasetVersion
from mlplane.pipelines.dsl import step

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.data.connectors.base import Source

# What decides which platform a step talks to; a change gives the step another client.
TARGET_VARIABLES = ("MLPLANE_URL", "MLPLANE_TOKEN", "MLPLANE_HOME", "MLPLANE_DATABASE_URL")
SAMPLE_ROWS = 3

_clients: dict[tuple[str | None, ...], Client] = {}
_clients_lock = threading.Lock()


class ChecksFailed(RuntimeError):
    """A version broke its checks; the message names each failed check and its rows."""


def platform_client() -> Client:
    """The client of the platform this process is pointed at, made once and reused by every
    step the (warm) worker process runs for that platform."""
    key = tuple(os.environ.get(name) for name in TARGET_VARIABLES)
    with _clients_lock:
        found = _clients.get(key)
        if found is None:
            from mlplane.client.client import Client

            found = _clients[key] = Client()
        return found


def _project(project: str | None) -> str:
    from mlplane.client.resolve import PROJECT_VARIABLE

    found = project or os.environ.get(PROJECT_VARIABLE)
    if not found:
        raise ValueError(f"say which project: project=... or the {PROJECT_VARIABLE} variable")
    return found


def _summary(project: str, version: DatasetVersion, created: bool) -> dict[str, Any]:
    """A step's output: plain JSON, readable in the control panel and by the next step."""
    return {
        "project": project,
        "dataset": version.dataset,
        "version": version.number,
        "ref": version.ref,
        "created": created,
        "status": version.status.value,
        "row_count": version.row_count,
    }


def failure_report(ref: str, results: list[CheckResult]) -> str:
    """Which checks failed, how many rows broke each, and a few of those rows."""
    failed = [result for result in results if not result.passed]
    rows = sum(result.failing_rows for result in failed)
    lines = [
        f"{ref} failed {len(failed)} of {len(results)} checks "
        f"({', '.join(result.name for result in failed)}; {rows} failing rows)"
    ]
    for result in failed:
        line = f"  {result.name} ({result.kind}): {result.failing_rows} failing rows"
        lines.append(line + (f": {result.message}" if result.message else ""))
        for sample in result.sample[:SAMPLE_ROWS]:
            lines.append(f"    {json.dumps(sample, default=str, sort_keys=True)}")
    return "\n".join(lines)


def run_ingest(
    dataset: str,
    source: Source | Mapping[str, Any],
    *,
    project: str | None = None,
    message: str = "",
    kind: str | None = None,
    client: Client | None = None,
) -> dict[str, Any]:
    """Read `source` (a connector, or its spec as a mapping) into a new version of `dataset`
    (created if needed: a table, or a folder of files with `kind="files"`).

    Returns the version now holding the data (`created` is False when the source had nothing
    new and no version was made). Raises `ChecksFailed` when the new version fails its checks;
    the version is kept with status `failed` and the next run reads from the same cursor."""
    from mlplane.data.connectors.ingest import ingest as ingest_source
    from mlplane.data.connectors.specs import as_source

    client = client or platform_client()
    project = _project(project)
    version = ingest_source(
        client,
        project,
        dataset,
        as_source(source),
        message=message,
        kind=DatasetKind(kind) if kind is not None else None,
    )
    if version is None:
        latest = client.datasets.get_version(dataset, "latest", project=project)
        return _summary(project, latest, created=False)
    if version.status.value == "failed":
        raise ChecksFailed(
            failure_report(version.ref, version.validation)
            + f"\n{version.ref} is kept as failed and did not become the latest version"
        )
    return _summary(project, version, created=True)


def run_validate(
    dataset: str | Mapping[str, Any],
    *,
    version: int | str = "latest",
    project: str | None = None,
    checks: Sequence[Check | Mapping[str, Any]] | None = None,
    client: Client | None = None,
) -> dict[str, Any]:
    """Run checks (the dataset's own unless `checks` are given) on an existing version and
    raise `ChecksFailed` if any fails. `dataset` may be the output of `ingest`."""
    if isinstance(dataset, Mapping):
        project = project or dataset.get("project")
        version = dataset.get("version") or version
        dataset = str(dataset["dataset"])
    client = client or platform_client()
    project = _project(project)
    found = client.datasets.get_version(dataset, version, project=project)
    given: list[Check | dict[str, Any]] | None = None
    if checks is not None:
        given = [dict(check) if isinstance(check, Mapping) else check for check in checks]
    results = client.datasets.evaluate_checks(dataset, found.number, project=project, checks=given)
    if any(not result.passed for result in results):
        raise ChecksFailed(failure_report(found.ref, results))
    return {**_summary(project, found, created=False), "checks_passed": len(results)}


# A source changes outside the pipeline, so neither step may be answered from the cache.
ingest = step(name="ingest", cache=False)(run_ingest)
validate = step(name="validate", cache=False)(run_validate)
