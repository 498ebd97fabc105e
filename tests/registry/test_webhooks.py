"""Webhook deliveries to a real HTTP receiver on a local port."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.registry.service.delivery import MAX_ATTEMPTS, deliver_due
from mlplane.server.worker import collect_loops
from mlplane.tracking.schemas import Run


@dataclass
class Receiver:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            status = state.answers.pop(0) if state.answers else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def db(client: mlplane.Client, database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def test_version_created_is_delivered_signed(
    client: mlplane.Client, project: str, run: Run, receiver: Receiver, db: Database
) -> None:
    hook = client.models.webhooks.create(receiver.url, project=project)
    assert hook.secret
    assert hook.secret.startswith("whsec_")
    assert client.models.webhooks.list(project=project)[0].secret is None
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    assert deliver_due(db) == 1
    headers, body = receiver.received[0]
    expected = hmac.new(
        hook.secret.encode(), headers["X-Mlplane-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Mlplane-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert (payload["event"], payload["data"]["model"], payload["data"]["version"]) == (
        "version.created",
        "fraud",
        1,
    )
    delivery = client.models.webhooks.deliveries(hook.id, project=project)[0]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)


def test_approval_events_are_delivered_in_order(
    client: mlplane.Client, project: str, run: Run, receiver: Receiver, db: Database
) -> None:
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.webhooks.create(receiver.url, project=project)
    client.models.protect_alias("production", project=project)
    request = client.models.request_approval("fraud", "production", 1, project=project)
    client.models.approve(request.id, project=project)
    deliver_due(db)
    assert sorted(receiver.events()) == sorted(
        ["approval.requested", "approval.granted", "alias.moved"]
    )


def test_only_subscribed_events_are_queued(
    client: mlplane.Client, project: str, run: Run, receiver: Receiver, db: Database
) -> None:
    client.models.webhooks.create(receiver.url, events=["alias.moved"], project=project)
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.set_alias("fraud", "champion", 1, project=project)
    deliver_due(db)
    assert receiver.events() == ["alias.moved"]


def test_failed_delivery_is_retried_with_backoff(
    client: mlplane.Client, project: str, run: Run, receiver: Receiver, db: Database
) -> None:
    hook = client.models.webhooks.create(receiver.url, project=project)
    receiver.answers = [500]
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    deliver_due(db)
    first = client.models.webhooks.deliveries(hook.id, project=project)[0]
    assert (first.state, first.attempts, first.last_status) == ("pending", 1, 500)
    assert deliver_due(db) == 0  # not due yet
    assert first.next_attempt_at is not None
    deliver_due(db, now=first.next_attempt_at + timedelta(seconds=1))
    retried = client.models.webhooks.deliveries(hook.id, project=project)[0]
    assert (retried.state, retried.attempts) == ("delivered", 2)
    ids = {headers["X-Mlplane-Delivery"] for headers, _ in receiver.received}
    assert ids == {first.id}


def test_delivery_gives_up_after_its_attempts(
    client: mlplane.Client, project: str, run: Run, receiver: Receiver, db: Database
) -> None:
    hook = client.models.webhooks.create(receiver.url, project=project)
    receiver.answers = [503] * MAX_ATTEMPTS
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db, now=now)
        now += timedelta(hours=1)
    delivery = client.models.webhooks.deliveries(hook.id, project=project)[0]
    assert (delivery.state, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert deliver_due(db, now=now) == 0


def test_unreachable_receiver_is_logged(
    client: mlplane.Client, project: str, run: Run, db: Database
) -> None:
    hook = client.models.webhooks.create("http://127.0.0.1:9/hook", project=project)
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    deliver_due(db)
    delivery = client.models.webhooks.deliveries(hook.id, project=project)[0]
    assert delivery.last_status is None
    assert "ConnectError" in delivery.last_error


def test_editor_cannot_create_webhook(editor: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        editor.models.webhooks.create("http://example.com/hook", project=project)
    assert error.value.status == 403


def test_worker_runs_the_delivery_loop() -> None:
    assert "registry-webhooks" in [loop.name for loop in collect_loops()]
