"""Judging a candidate from its inference-log rows over the last interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from mlplane.deployments import store
from mlplane.deployments.schemas import Analysis

Verdict = Literal["passed", "failed", "inconclusive"]


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    requests: int
    errors: int
    success_rate: float | None
    p99_ms: float | None
    reasons: list[str] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "requests": self.requests,
            "errors": self.errors,
            "success_rate": self.success_rate,
            "p99_ms": self.p99_ms,
            "reasons": self.reasons,
        }


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value at or above `share` of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def check(session: Session, name: str, revision: str, analysis: Analysis, now: datetime) -> Check:
    calls = store.calls_between(
        session, name, revision, now - timedelta(seconds=analysis.interval), now
    )
    requests = len(calls)
    # A client's bad request says nothing about the version; a server error does.
    errors = sum(1 for status, _ in calls if status >= 500)
    if requests == 0 or requests < analysis.min_requests:
        reason = f"{requests} calls, fewer than the {max(analysis.min_requests, 1)} needed"
        return Check("inconclusive", requests, errors, None, None, [reason])
    success_rate = (requests - errors) / requests
    p99 = percentile([latency for _, latency in calls], 0.99)
    reasons: list[str] = []
    if success_rate < analysis.min_success_rate:
        reasons.append(f"success rate {success_rate:.4f} below {analysis.min_success_rate}")
    if analysis.max_p99_ms is not None and p99 > analysis.max_p99_ms:
        reasons.append(f"p99 latency {p99:.1f} ms above {analysis.max_p99_ms} ms")
    verdict: Verdict = "failed" if reasons else "passed"
    return Check(verdict, requests, errors, round(success_rate, 6), round(p99, 3), reasons)
