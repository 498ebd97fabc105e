"""Sending queued webhook deliveries: signed, retried with backoff, logged.

Each delivery is a POST of its JSON payload with these headers:

- `X-Mlplane-Event`: the event (`version.created`, `alias.moved`, ...)
- `X-Mlplane-Delivery`: the delivery id (the same on every retry, to drop duplicates)
- `X-Mlplane-Timestamp`: seconds since the epoch when this attempt was signed
- `X-Mlplane-Signature`: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` keyed by the
  webhook's secret; a receiver recomputes it and refuses old timestamps (replays).

A 2xx answer delivers it; anything else (or no answer) is retried after 5 s, 30 s, 2 min,
10 min and 30 min, then the delivery is marked failed. A worker claims due deliveries by
pushing their next attempt a lease ahead first, so two workers never send one together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.registry import store

logger = logging.getLogger("mlplane.registry.webhooks")

RETRY_DELAYS = (5.0, 30.0, 120.0, 600.0, 1800.0)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_LEASE = timedelta(seconds=60)
BATCH = 50
TIMEOUT = 10.0


@dataclass(frozen=True)
class _Claimed:
    delivery_id: str
    url: str
    secret: str
    event: str
    body: bytes


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _claim(db: Database, now: datetime) -> list[_Claimed]:
    claimed = []
    with db.write() as session:
        for row in store.due_deliveries(session, now, BATCH):
            hook = store.get_webhook(session, row.webhook_id)
            if hook is None or not hook.active:
                row.state, row.next_attempt_at = "failed", None
                row.last_error = "the webhook was removed or disabled"
                continue
            row.next_attempt_at = now + CLAIM_LEASE
            body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
            claimed.append(_Claimed(row.id, hook.url, hook.secret, row.event, body))
    return claimed


def _send(http: httpx.Client, item: _Claimed, now: datetime) -> tuple[int | None, str]:
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "mlplane-webhooks",
        "X-Mlplane-Event": item.event,
        "X-Mlplane-Delivery": item.delivery_id,
        "X-Mlplane-Timestamp": timestamp,
        "X-Mlplane-Signature": sign(item.secret, timestamp, item.body),
    }
    try:
        response = http.post(item.url, content=item.body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:1000]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"answered {response.status_code}: {response.text[:500]}"


def _record(db: Database, item: _Claimed, status: int | None, error: str, now: datetime) -> None:
    with db.write() as session:
        row = store.get_delivery(session, item.delivery_id)
        if row is None:
            return
        row.attempts += 1
        row.last_status, row.last_error = status, error
        if not error:
            row.state, row.delivered_at, row.next_attempt_at = "delivered", now, None
        elif row.attempts >= MAX_ATTEMPTS:
            row.state, row.next_attempt_at = "failed", None
        else:
            row.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS[row.attempts - 1])


def deliver_due(db: Database, now: datetime | None = None) -> int:
    """Send every delivery that is due; returns how many were attempted."""
    now = now or utcnow()
    claimed = _claim(db, now)
    if not claimed:
        return 0
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as http:
        for item in claimed:
            status, error = _send(http, item, now)
            if error:
                logger.warning(
                    "webhook delivery failed",
                    extra={"delivery": item.delivery_id, "url": item.url, "error": error},
                )
            _record(db, item, status, error, now)
    return len(claimed)
