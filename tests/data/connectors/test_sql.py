from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy

import mlplane
from mlplane.data.connectors import ConnectorError, SqlSource, ingest

CREATE = "CREATE TABLE payments (id INTEGER PRIMARY KEY, amount REAL, paid_at TIMESTAMP, note TEXT)"
START = datetime(2024, 1, 1, tzinfo=UTC).replace(tzinfo=None)


def _engine(url: str) -> sqlalchemy.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sqlalchemy.create_engine(url)


def _insert(url: str, first: int, count: int) -> None:
    engine = _engine(url)
    with engine.begin() as connection:
        if first == 1:
            connection.execute(sqlalchemy.text(CREATE))
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO payments (id, amount, paid_at, note) VALUES (:id, :a, :t, :n)"
            ),
            [
                {"id": i, "a": i * 1.5, "t": START + timedelta(hours=i), "n": f"payment {i}"}
                for i in range(first, first + count)
            ],
        )
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _insert(url, 1, 3)
    return url


def test_ingest_table_makes_a_version(
    client: mlplane.Client, project: str, sqlite_url: str
) -> None:
    version = ingest(client, project, "payments", SqlSource(url=sqlite_url, table="payments"))

    assert version is not None
    assert version.row_count == 3
    assert [c.name for c in version.columns or []] == ["id", "amount", "paid_at", "note"]


def test_ingest_query_unchanged_returns_none(
    client: mlplane.Client, project: str, sqlite_url: str
) -> None:
    source = SqlSource(url=sqlite_url, query="SELECT id, amount FROM payments WHERE amount > 2")
    first = ingest(client, project, "big", source)

    again = ingest(client, project, "big", source)

    assert first is not None
    assert first.row_count == 2
    assert again is None


def _incremental(client: mlplane.Client, project: str, url: str, cursor: str) -> None:
    source = SqlSource(url=url, table="payments", cursor_column=cursor)
    first = ingest(client, project, "payments", source)
    _insert(url, 4, 2)

    second = ingest(client, project, "payments", source)
    third = ingest(client, project, "payments", source)

    assert first is not None
    assert second is not None
    assert (first.row_count, second.row_count, second.file_count) == (3, 5, 2)
    assert third is None
    ids = client.sql.run("SELECT id FROM payments ORDER BY id", project=project).rows
    assert ids == [[1], [2], [3], [4], [5]]
    stored = client.datasets.list_ingestions("payments", project=project)
    assert [i.status for i in stored] == ["unchanged", "succeeded", "succeeded"]
    assert stored[0].cursor == stored[1].cursor


def test_ingest_incrementally_by_integer_cursor(
    client: mlplane.Client, project: str, sqlite_url: str
) -> None:
    _incremental(client, project, sqlite_url, "id")

    cursor = client.datasets.list_ingestions("payments", project=project)[0].cursor
    assert cursor == {"type": "int", "value": 5}


@pytest.mark.postgres
def test_ingest_incrementally_from_postgresql_by_timestamp(
    client: mlplane.Client, project: str, postgres_database: str
) -> None:
    _insert(postgres_database, 1, 3)

    _incremental(client, project, postgres_database, "paid_at")

    cursor = client.datasets.list_ingestions("payments", project=project)[0].cursor
    assert cursor == {"type": "datetime", "value": "2024-01-01T05:00:00"}


def test_password_in_url_is_never_stored(
    client: mlplane.Client, project: str, sqlite_url: str
) -> None:
    source = SqlSource(url="postgresql://reader:hunter2@127.0.0.1:1/none", table="payments")

    with pytest.raises(ConnectorError):
        ingest(client, project, "payments", source)

    [failed] = client.datasets.list_ingestions("payments", project=project)
    assert failed.status == "failed"
    assert "hunter2" not in str(failed.source)
    assert failed.source["url"] == "postgresql://reader:***@127.0.0.1:1/none"


def test_failing_query_keeps_previous_version_latest(
    client: mlplane.Client, project: str, sqlite_url: str
) -> None:
    ingest(client, project, "payments", SqlSource(url=sqlite_url, table="payments"))

    with pytest.raises(ConnectorError, match="the query failed"):
        ingest(client, project, "payments", SqlSource(url=sqlite_url, table="refunds"))

    dataset = client.datasets.get("payments", project=project)
    assert (dataset.latest_version, dataset.version_count) == (1, 1)


def test_url_from_environment_variable(
    client: mlplane.Client, project: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_DATABASE_URL", sqlite_url)

    version = ingest(
        client, project, "payments", SqlSource(url_env="SHOP_DATABASE_URL", table="payments")
    )

    assert version is not None
    stored = client.datasets.list_ingestions("payments", project=project)[0]
    assert stored.source["url_env"] == "SHOP_DATABASE_URL"
    assert "url" not in stored.source
