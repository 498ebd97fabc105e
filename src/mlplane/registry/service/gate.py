"""Quality gates: metric rules a version's run must pass for a protected alias to move.

A rule reads `<metric> <op> <threshold>`: `accuracy >= 0.9`, `metrics.loss < 0.2`, or
`accuracy >= @champion`, which compares with the same metric of the run of the version the
alias `champion` points at (a rule against an alias that points nowhere passes: there is
nothing to beat yet).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlplane.core.errors import InvalidInput, NotFound
from mlplane.governance.schemas import Principal
from mlplane.registry import store
from mlplane.registry.schemas import GateCheck
from mlplane.registry.tables import ModelVersionRow, RegisteredModelRow
from mlplane.tracking import service as tracking

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_RULE = re.compile(
    r"^\s*(?:metrics\.)?(?P<metric>[\w.\-/]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*"
    r"(?P<threshold>@[A-Za-z_][\w\-]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)


@dataclass(frozen=True)
class Rule:
    metric: str
    op: str
    threshold: float | None
    alias: str | None


def parse_rule(text: str) -> Rule:
    match = _RULE.match(text)
    if match is None:
        raise InvalidInput(
            f"gate: {text!r} is not a rule like 'accuracy >= 0.9' or 'accuracy >= @champion'"
        )
    threshold = match["threshold"]
    if threshold.startswith("@"):
        return Rule(match["metric"], match["op"], None, threshold[1:])
    return Rule(match["metric"], match["op"], float(threshold), None)


def _run_metrics(
    session: Session, principal: Principal, project: str, run_id: str | None
) -> dict[str, float] | None:
    if run_id is None:
        return None
    try:
        run = tracking.get_run(session, principal, run_id, project)
    except NotFound:
        return None
    return {key: metric.value for key, metric in run.metrics.items()}


def evaluate_gate(
    session: Session,
    principal: Principal,
    project: str,
    model: RegisteredModelRow,
    version: ModelVersionRow,
    rules: list[str],
) -> list[GateCheck]:
    """Check every rule on the version's run; an empty list means there is no gate."""
    checks: list[GateCheck] = []
    metrics = _run_metrics(session, principal, project, version.run_id)
    for text in rules:
        rule = parse_rule(text)
        if metrics is None:
            checks.append(GateCheck(rule=text, passed=False, detail="the version has no run"))
            continue
        value = metrics.get(rule.metric)
        if value is None:
            detail = f"its run did not log {rule.metric!r}"
            checks.append(GateCheck(rule=text, passed=False, detail=detail))
            continue
        threshold = rule.threshold
        if rule.alias is not None:
            holder = store.get_alias(session, model.id, rule.alias)
            other = store.get_version(session, model.id, holder.version) if holder else None
            if other is None:
                detail = f"{rule.metric} = {value:g}; no version holds @{rule.alias} yet"
                checks.append(GateCheck(rule=text, passed=True, detail=detail))
                continue
            theirs = (_run_metrics(session, principal, project, other.run_id) or {}).get(
                rule.metric
            )
            if theirs is None:
                detail = f"version {other.version} (@{rule.alias}) has no {rule.metric!r}"
                checks.append(GateCheck(rule=text, passed=True, detail=detail))
                continue
            threshold = theirs
        assert threshold is not None
        passed = _OPERATORS[rule.op](value, threshold)
        detail = f"{rule.metric} = {value:g} {rule.op} {threshold:g}"
        checks.append(GateCheck(rule=text, passed=passed, detail=detail))
    return checks
