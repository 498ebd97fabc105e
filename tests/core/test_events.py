from __future__ import annotations

from collections.abc import Iterator

import pytest

import mlplane
from mlplane.core import events
from mlplane.core.db import Database


@pytest.fixture
def db(client: mlplane.Client, database_url: str) -> Iterator[Database]:
    """The migrated database of a fresh platform."""
    made = Database(database_url)
    yield made
    made.dispose()


def test_emit_then_list_since_in_order(db: Database) -> None:
    with db.write() as session:
        first = events.emit(session, "data.version.created", project="p1", subject="dataset:a@1")
        events.emit(session, "monitoring.alert.fired", project="p1", subject="alert:x")
        third = events.emit(
            session, "data.version.created", project="p2", subject="b@1", payload={"version": 1}
        )
    with db.read() as session:
        found = events.list_since(session, 0, ["data.version.created"])
        after_first = events.list_since(session, first.id)
        newest = events.latest_id(session)
    assert [event.subject for event in found] == ["dataset:a@1", "b@1"]
    assert found[1].payload == {"version": 1}
    assert [event.kind for event in after_first] == [
        "monitoring.alert.fired",
        "data.version.created",
    ]
    assert newest == third.id


def test_emit_rolls_back_with_its_transaction(db: Database) -> None:
    def fail_after_emit() -> None:
        with db.write() as session:
            events.emit(session, "data.version.created", project="p1", subject="lost")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        fail_after_emit()
    with db.read() as session:
        assert events.list_since(session, 0) == []
        assert events.latest_id(session) == 0


def test_data_version_created_is_emitted(
    client: mlplane.Client, project: str, db: Database
) -> None:
    import pyarrow as pa

    client.datasets.push(pa.table({"id": [1]}), "orders", project=project)
    with db.read() as session:
        (event,) = events.list_since(session, 0, [events.DATA_VERSION_CREATED])
    assert event.subject == "dataset:orders@1"
    assert event.payload["dataset"] == "orders"
    assert event.payload["version"] == 1
