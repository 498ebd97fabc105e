"""Rollout transitions, and the controller that moves rollouts along.

Every transition changes the deployment row, publishes the new weights to the serving
table and records an event, in the caller's transaction, so no half-done step is ever
visible. The controller runs each due deployment in its own transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mlplane.core.db import Database
from mlplane.core.errors import Conflict
from mlplane.deployments import analysis, events, store
from mlplane.deployments.schemas import (
    Analysis,
    BlueGreenStrategy,
    CanaryStrategy,
    ShadowStrategy,
)
from mlplane.deployments.tables import DeploymentRow
from mlplane.deployments.targets import ResolvedTarget, publish, strategy_of

logger = logging.getLogger(__name__)

CONTROLLER = "rollout-controller"


def _set_candidate(row: DeploymentRow, target: ResolvedTarget | None, weight: int = 0) -> None:
    if target is None:
        row.candidate_revision = row.candidate_source = row.candidate_uri = None
        row.candidate_model_version = None
    else:
        row.revision += 1
        row.candidate_revision = str(row.revision)
        row.candidate_source = target.source
        row.candidate_model_version = target.model_version
        row.candidate_uri = target.uri
    row.candidate_weight = weight


def _stable_to_previous(row: DeploymentRow) -> None:
    row.previous_revision = row.stable_revision
    row.previous_source = row.stable_source
    row.previous_model_version = row.stable_model_version
    row.previous_uri = row.stable_uri


def _candidate_to_stable(row: DeploymentRow) -> None:
    row.stable_revision = row.candidate_revision
    row.stable_source = row.candidate_source
    row.stable_model_version = row.candidate_model_version
    row.stable_uri = row.candidate_uri
    _set_candidate(row, None)


def _end(row: DeploymentRow, outcome: str, now: datetime) -> None:
    row.status = "stable"
    row.outcome = outcome
    row.failed_checks = 0
    row.next_check_at = None
    row.updated_at = now


def deploy_directly(
    session: Session, row: DeploymentRow, target: ResolvedTarget, actor: str, now: datetime
) -> None:
    """The first version, or a `direct` update: all traffic to `target` at once."""
    if row.stable_revision is not None:
        _stable_to_previous(row)
    _set_candidate(row, target)
    _candidate_to_stable(row)
    _end(row, "deployed", now)
    row.scale_down_at = None
    publish(session, row, actor)
    events.record(
        session,
        row,
        "deployed",
        f"serving {target.source} (version {target.model_version})",
        actor,
        now,
        revision=row.stable_revision,
        model_version=target.model_version,
    )


def start(
    session: Session, row: DeploymentRow, target: ResolvedTarget, actor: str, now: datetime
) -> None:
    """Begin rolling `target` out with the deployment's strategy."""
    if row.status in ("progressing", "paused"):
        raise Conflict(
            f"deployment {row.name!r} is already rolling out revision {row.candidate_revision}; "
            "promote, abort or roll it back first",
            field="model",
        )
    strategy = strategy_of(row)
    if row.stable_revision is None or not isinstance(
        strategy, CanaryStrategy | BlueGreenStrategy | ShadowStrategy
    ):
        deploy_directly(session, row, target, actor, now)
        return
    row.status = "progressing"
    row.outcome = None
    row.failed_checks = 0
    row.scale_down_at = None
    row.updated_at = now
    if isinstance(strategy, CanaryStrategy):
        _set_candidate(row, target, strategy.step_weight)
        row.next_check_at = now + timedelta(seconds=strategy.interval)
        message = f"canary of {target.source} at weight {strategy.step_weight}"
    elif isinstance(strategy, ShadowStrategy):
        _set_candidate(row, target, 0)
        row.next_check_at = now + timedelta(seconds=strategy.interval)
        message = f"shadow of {target.source} answering a copy of {strategy.percent}% of the calls"
    else:
        _set_candidate(row, target, 0)
        wait = strategy.interval if strategy.analysis else 0.0
        row.next_check_at = now + timedelta(seconds=wait)
        message = f"{target.source} loaded beside the stable version, without traffic"
    publish(session, row, actor)
    events.record(
        session,
        row,
        "rollout_started",
        message,
        actor,
        now,
        strategy=strategy.type,
        revision=row.candidate_revision,
        model_version=target.model_version,
        weight=row.candidate_weight,
        mirror_percent=strategy.percent if isinstance(strategy, ShadowStrategy) else 0,
    )


def _require_candidate(row: DeploymentRow, action: str) -> None:
    if row.candidate_revision is None or row.status not in ("progressing", "paused"):
        raise Conflict(f"deployment {row.name!r} has no rollout to {action}")


def promote(session: Session, row: DeploymentRow, actor: str, now: datetime, reason: str) -> None:
    _require_candidate(row, "promote")
    strategy = strategy_of(row)
    old, new = row.stable_revision, row.candidate_revision
    _stable_to_previous(row)
    _candidate_to_stable(row)
    _end(row, "promoted", now)
    delay = strategy.scale_down_delay if isinstance(strategy, BlueGreenStrategy) else 0.0
    if delay > 0 and row.previous_revision is not None:
        row.status = "scaling_down"
        row.scale_down_at = now + timedelta(seconds=delay)
    publish(session, row, actor)
    events.record(
        session,
        row,
        "promoted",
        f"revision {new} promoted: {reason}",
        actor,
        now,
        revision=new,
        replaced=old,
        scale_down_at=row.scale_down_at and row.scale_down_at.isoformat(),
    )


def rollback(
    session: Session, row: DeploymentRow, actor: str, now: datetime, reason: str, **details: object
) -> None:
    """Drop the candidate; with no rollout, return to the previous stable version."""
    dropped: str | None
    if row.candidate_revision is not None and row.status in ("progressing", "paused"):
        dropped = row.candidate_revision
        _set_candidate(row, None)
    elif row.previous_revision is not None:
        dropped = row.stable_revision
        (
            row.stable_revision,
            row.previous_revision,
            row.stable_source,
            row.previous_source,
            row.stable_model_version,
            row.previous_model_version,
            row.stable_uri,
            row.previous_uri,
        ) = (
            row.previous_revision,
            row.stable_revision,
            row.previous_source,
            row.stable_source,
            row.previous_model_version,
            row.stable_model_version,
            row.previous_uri,
            row.stable_uri,
        )
    else:
        raise Conflict(f"deployment {row.name!r} has no earlier version to roll back to")
    _end(row, "rolled_back", now)
    row.scale_down_at = None
    publish(session, row, actor)
    events.record(
        session,
        row,
        "rolled_back",
        f"revision {dropped} rolled back: {reason}",
        actor,
        now,
        revision=dropped,
        serving=row.stable_revision,
        **details,
    )


def abort(session: Session, row: DeploymentRow, actor: str, now: datetime) -> None:
    _require_candidate(row, "abort")
    dropped = row.candidate_revision
    _set_candidate(row, None)
    _end(row, "aborted", now)
    publish(session, row, actor)
    events.record(
        session,
        row,
        "aborted",
        f"rollout of revision {dropped} aborted",
        actor,
        now,
        revision=dropped,
        serving=row.stable_revision,
    )


def pause(session: Session, row: DeploymentRow, actor: str, now: datetime) -> None:
    if row.status != "progressing":
        raise Conflict(f"deployment {row.name!r} has no running rollout to pause")
    row.status = "paused"
    row.updated_at = now
    events.record(
        session,
        row,
        "paused",
        "rollout paused",
        actor,
        now,
        revision=row.candidate_revision,
        weight=row.candidate_weight,
    )


def resume(session: Session, row: DeploymentRow, actor: str, now: datetime) -> None:
    if row.status != "paused":
        raise Conflict(f"deployment {row.name!r} has no paused rollout to resume")
    strategy = strategy_of(row)
    interval = strategy.interval if isinstance(strategy, Analysis) else 0.0
    row.status = "progressing"
    row.next_check_at = now + timedelta(seconds=interval)
    row.updated_at = now
    events.record(
        session,
        row,
        "resumed",
        "rollout resumed",
        actor,
        now,
        revision=row.candidate_revision,
        weight=row.candidate_weight,
    )


def _judge(
    session: Session, row: DeploymentRow, strategy: Analysis, now: datetime
) -> analysis.Verdict:
    """Run one check, record it, and roll back once `threshold` checks have failed."""
    assert row.candidate_revision is not None
    result = analysis.check(session, row.name, row.candidate_revision, strategy, now)
    if result.verdict == "failed":
        row.failed_checks += 1
    events.record(
        session,
        row,
        "check",
        f"check {result.verdict}" + (f": {'; '.join(result.reasons)}" if result.reasons else ""),
        CONTROLLER,
        now,
        revision=row.candidate_revision,
        weight=row.candidate_weight,
        failed_checks=row.failed_checks,
        threshold=strategy.threshold,
        min_success_rate=strategy.min_success_rate,
        max_p99_ms=strategy.max_p99_ms,
        interval=strategy.interval,
        **result.details(),
    )
    if result.verdict == "failed" and row.failed_checks >= strategy.threshold:
        rollback(
            session,
            row,
            CONTROLLER,
            now,
            f"{row.failed_checks} failed checks reached the threshold of {strategy.threshold}",
            failed_checks=row.failed_checks,
            **result.details(),
        )
    return result.verdict


def _advance_canary(
    session: Session, row: DeploymentRow, strategy: CanaryStrategy, now: datetime
) -> None:
    verdict = _judge(session, row, strategy, now)
    if row.status != "progressing":
        return
    row.next_check_at = now + timedelta(seconds=strategy.interval)
    row.updated_at = now
    if verdict != "passed":
        return
    if row.candidate_weight >= strategy.max_weight:
        promote(
            session,
            row,
            CONTROLLER,
            now,
            f"checks passed at the maximum weight {strategy.max_weight}",
        )
        return
    weight = min(row.candidate_weight + strategy.step_weight, strategy.max_weight)
    row.candidate_weight = weight
    publish(session, row, CONTROLLER)
    events.record(
        session,
        row,
        "step",
        f"canary weight raised to {weight}",
        CONTROLLER,
        now,
        revision=row.candidate_revision,
        weight=weight,
        max_weight=strategy.max_weight,
    )


def _advance_blue_green(
    session: Session, row: DeploymentRow, strategy: BlueGreenStrategy, now: datetime
) -> None:
    if strategy.analysis:
        verdict = _judge(session, row, strategy, now)
        if row.status != "progressing":
            return
        if verdict != "passed":
            row.next_check_at = now + timedelta(seconds=strategy.interval)
            return
    if strategy.auto_promote:
        promote(session, row, CONTROLLER, now, "switched all traffic to the new version")
        return
    row.next_check_at = None
    events.record(
        session,
        row,
        "awaiting_promotion",
        "ready to switch; waiting for a manual promote",
        CONTROLLER,
        now,
        revision=row.candidate_revision,
    )


def _advance_shadow(
    session: Session, row: DeploymentRow, strategy: ShadowStrategy, now: datetime
) -> None:
    """Check the shadow's own calls; it stays beside the stable version until a person acts."""
    _judge(session, row, strategy, now)
    if row.status != "progressing":
        return
    row.next_check_at = now + timedelta(seconds=strategy.interval)
    row.updated_at = now


def _scale_down(session: Session, row: DeploymentRow, now: datetime) -> None:
    removed = row.previous_revision
    row.status = "stable"
    row.scale_down_at = None
    row.updated_at = now
    publish(session, row, CONTROLLER)
    events.record(
        session,
        row,
        "scaled_down",
        f"revision {removed} removed from the gateway",
        CONTROLLER,
        now,
        revision=removed,
    )


def advance(session: Session, row: DeploymentRow, now: datetime) -> None:
    """Do what is due for one deployment: a check, a step, a switch or a scale-down."""
    if row.status == "scaling_down" and row.scale_down_at and row.scale_down_at <= now:
        _scale_down(session, row, now)
        return
    if row.status != "progressing" or row.next_check_at is None or row.next_check_at > now:
        return
    strategy = strategy_of(row)
    if isinstance(strategy, CanaryStrategy):
        _advance_canary(session, row, strategy, now)
    elif isinstance(strategy, BlueGreenStrategy):
        _advance_blue_green(session, row, strategy, now)
    elif isinstance(strategy, ShadowStrategy):
        _advance_shadow(session, row, strategy, now)
    else:
        promote(session, row, CONTROLLER, now, "direct strategy")


def advance_due(db: Database, now: datetime) -> int:
    """One controller pass: every due deployment in its own transaction; how many moved."""
    with db.read() as session:
        names = store.list_due(session, now)
    moved = 0
    for name in names:
        try:
            with db.write() as session:
                row = store.get_deployment(session, name, for_update=True)
                if row is not None:
                    advance(session, row, now)
                    moved += 1
        except Exception:
            logger.exception("rollout step failed", extra={"deployment": name})
    return moved
