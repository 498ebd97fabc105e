"""`mlplane.Client`: one object for every resource of the platform."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.client.resolve import Target, resolve_target
from mlplane.client.transport import Transport

if TYPE_CHECKING:
    from mlplane.catalog.client import Projects
    from mlplane.compute.client import Cost, Jobs, Pools
    from mlplane.data.client import Datasets, Sql
    from mlplane.deployments.client import Deployments
    from mlplane.governance.client import Audit, Tokens, Users
    from mlplane.pipelines.client import Pipelines
    from mlplane.registry.client import Models
    from mlplane.serving.client import Serving
    from mlplane.tracking.client import Experiments, Runs


class Client:
    """Talk to a platform.

    With no `url` and no `MLPLANE_URL`, it finds the platform running on the local home
    (`MLPLANE_HOME`, default `~/.mlplane`), and failing that hosts the app in-process.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        home: str | Path | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.transport = Transport(resolve_target(url, token, home), timeout=timeout)

    @property
    def url(self) -> str:
        return self.transport.base_url

    @property
    def target(self) -> Target:
        """The platform this client talks to."""
        return self.transport.target

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self.transport.json("GET", "/api/v1/health")
        return result

    @cached_property
    def projects(self) -> Projects:
        from mlplane.catalog.client import Projects

        return Projects(self.transport)

    @cached_property
    def users(self) -> Users:
        from mlplane.governance.client import Users

        return Users(self.transport)

    @cached_property
    def tokens(self) -> Tokens:
        from mlplane.governance.client import Tokens

        return Tokens(self.transport)

    @cached_property
    def audit(self) -> Audit:
        from mlplane.governance.client import Audit

        return Audit(self.transport)

    @cached_property
    def experiments(self) -> Experiments:
        from mlplane.tracking.client import Experiments

        return Experiments(self.transport)

    @cached_property
    def runs(self) -> Runs:
        from mlplane.tracking.client import Runs

        return Runs(self.transport)

    @cached_property
    def datasets(self) -> Datasets:
        from mlplane.data.client import Datasets

        return Datasets(self.transport)

    @cached_property
    def sql(self) -> Sql:
        from mlplane.data.client import Sql

        return Sql(self.transport)

    @cached_property
    def models(self) -> Models:
        from mlplane.registry.client import Models

        return Models(self.transport)

    @cached_property
    def jobs(self) -> Jobs:
        from mlplane.compute.client import Jobs

        return Jobs(self.transport)

    @cached_property
    def pools(self) -> Pools:
        from mlplane.compute.client import Pools

        return Pools(self.transport)

    @cached_property
    def cost(self) -> Cost:
        from mlplane.compute.client import Cost

        return Cost(self.transport)

    @cached_property
    def serving(self) -> Serving:
        from mlplane.serving.client import Serving

        return Serving(self.transport)

    @cached_property
    def deployments(self) -> Deployments:
        from mlplane.deployments.client import Deployments

        return Deployments(self.transport)

    @cached_property
    def pipelines(self) -> Pipelines:
        from mlplane.pipelines.client import Pipelines

        return Pipelines(self.transport)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
