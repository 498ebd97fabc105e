"""A deployment's targets: resolving a model URI, and publishing weights to the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.deployments.schemas import Deployment, ShadowStrategy, Strategy, Target
from mlplane.deployments.tables import DeploymentRow
from mlplane.registry.service import sources
from mlplane.serving import service as serving

STRATEGY = TypeAdapter[Strategy](Strategy)


@dataclass(frozen=True)
class ResolvedTarget:
    source: str
    model_version: int
    uri: str


def resolve(
    session: Session, project_id: str, source: str, artifacts: ArtifactStore
) -> ResolvedTarget:
    """`models:/name/N` or `models:/name@alias` to the registry version and its files."""
    try:
        reference = sources.parse_model_uri(source)
        version = sources.referenced_version(session, project_id, reference)
    except (InvalidInput, NotFound) as error:
        raise InvalidInput(f"model: {error.detail}", field="model") from error
    if version.storage_path is None:
        raise InvalidInput(f"model: {source!r} has no files in the platform's store", field="model")
    return ResolvedTarget(source, version.version, artifacts.url(version.storage_path))


def strategy_of(row: DeploymentRow) -> Strategy:
    return STRATEGY.validate_python(row.strategy)


def mirror_percent(row: DeploymentRow) -> int:
    """The share of calls copied to the candidate: a shadow's percent while it runs."""
    strategy = strategy_of(row)
    if row.candidate_revision is None or not isinstance(strategy, ShadowStrategy):
        return 0
    return strategy.percent


def publish(session: Session, row: DeploymentRow, actor: str) -> None:
    """Write the deployment's current weights as the gateway's desired state."""
    versions: list[serving.WeightedVersion] = []
    if row.stable_revision is not None and row.stable_source and row.stable_uri:
        weight = 100 - row.candidate_weight if row.candidate_revision else 100
        versions.append(
            serving.WeightedVersion(row.stable_revision, row.stable_source, row.stable_uri, weight)
        )
    if row.candidate_revision is not None and row.candidate_source and row.candidate_uri:
        versions.append(
            serving.WeightedVersion(
                row.candidate_revision,
                row.candidate_source,
                row.candidate_uri,
                row.candidate_weight,
                mirror_percent(row),
            )
        )
    # Blue-green keeps the old version loaded, without traffic, until its scale-down.
    if row.status == "scaling_down" and row.previous_revision and row.previous_uri:
        versions.append(
            serving.WeightedVersion(
                row.previous_revision, row.previous_source or "", row.previous_uri, 0
            )
        )
    serving.set_deployment_versions(
        session,
        row.project_id,
        row.name,
        versions,
        actor,
        payload_sample_rate=row.payload_sample_rate,
        redact=row.redact or [],
    )


def _target(
    revision: str | None,
    source: str | None,
    model_version: int | None,
    weight: int,
    mirror: int = 0,
) -> Target | None:
    if revision is None or source is None or model_version is None:
        return None
    return Target(
        revision=revision,
        source=source,
        model_version=model_version,
        weight=weight,
        mirror_percent=mirror,
    )


def to_schema(row: DeploymentRow, project: str) -> Deployment:
    candidate_weight = row.candidate_weight if row.candidate_revision else 0
    return Deployment(
        name=row.name,
        project=project,
        description=row.description,
        strategy=strategy_of(row),
        status=row.status,  # type: ignore[arg-type]
        outcome=row.outcome,
        stable=_target(
            row.stable_revision, row.stable_source, row.stable_model_version, 100 - candidate_weight
        ),
        candidate=_target(
            row.candidate_revision,
            row.candidate_source,
            row.candidate_model_version,
            candidate_weight,
            mirror_percent(row),
        ),
        previous=_target(row.previous_revision, row.previous_source, row.previous_model_version, 0),
        payload_sample_rate=row.payload_sample_rate,
        redact=row.redact or [],
        failed_checks=row.failed_checks,
        next_check_at=row.next_check_at,
        scale_down_at=row.scale_down_at,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )
