from __future__ import annotations

import json
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mlplane
from mlplane.data.connectors import ConnectorError, FileSource, ingest
from tests.data.conftest import write_files


@pytest.fixture
def csv_folder(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "exports",
        {
            "2024-01.csv": "id,city,amount\n1,paris,10.5\n2,lyon,20\n",
            "2024-02.csv": "id,city,amount\n3,nice,7.25\n",
        },
    )


def test_ingest_csv_glob_makes_one_table(
    client: mlplane.Client, project: str, csv_folder: Path
) -> None:
    version = ingest(client, project, "orders", FileSource(f"{csv_folder}/*.csv"))

    assert version is not None
    assert (version.number, version.row_count) == (1, 3)
    rows = client.sql.run("SELECT id, city FROM orders ORDER BY id", project=project).rows
    assert rows == [[1, "paris"], [2, "lyon"], [3, "nice"]]


def test_ingest_unchanged_source_returns_none(
    client: mlplane.Client, project: str, csv_folder: Path
) -> None:
    source = FileSource(f"{csv_folder}/*.csv")
    ingest(client, project, "orders", source)

    again = ingest(client, project, "orders", source)

    assert again is None
    statuses = [i.status for i in client.datasets.list_ingestions("orders", project=project)]
    assert statuses == ["unchanged", "succeeded"]


def test_malformed_csv_rows_are_reported_with_file_and_line(
    client: mlplane.Client, project: str, csv_folder: Path
) -> None:
    source = FileSource(f"{csv_folder}/*.csv")
    ingest(client, project, "orders", source)
    (csv_folder / "2024-03.csv").write_text(
        "id,city,amount\n4,paris,1\n5,lyon,2,surplus\n6,nice\n7,metz,3\n"
    )

    with pytest.raises(ConnectorError) as caught:
        ingest(client, project, "orders", source)

    message = str(caught.value)
    assert f"{csv_folder}/2024-03.csv:3: too many columns" in message
    assert f"{csv_folder}/2024-03.csv:4: missing columns" in message
    assert client.datasets.get("orders", project=project).latest_version == 1
    latest_ingestion = client.datasets.list_ingestions("orders", project=project)[0]
    assert latest_ingestion.status == "failed"
    assert "2024-03.csv:3" in (latest_ingestion.error or "")


def test_value_not_fitting_declared_type_is_reported_with_line(
    client: mlplane.Client, project: str, csv_folder: Path
) -> None:
    (csv_folder / "2024-02.csv").write_text("id,city,amount\n3,nice,lots\n")
    source = FileSource(f"{csv_folder}/*.csv", types={"amount": "DOUBLE"})

    with pytest.raises(ConnectorError, match=r"2024-02.csv:2: cast in column 'amount'"):
        ingest(client, project, "orders", source)

    assert client.datasets.get("orders", project=project).version_count == 0


def test_mixed_types_past_the_sniffed_rows_are_reported(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    lines = ["id,amount", *(f"{i},{i * 0.5}" for i in range(30_000)), "30000,unknown"]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")

    with pytest.raises(ConnectorError, match=r"big.csv:30002: cast in column 'amount'"):
        ingest(client, project, "amounts", FileSource(str(big)))


def test_ingest_json_lines_reports_bad_lines(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    good = tmp_path / "events.jsonl"
    good.write_text(json.dumps({"id": 1, "kind": "click"}) + "\n" + '{"id": 2, "kind": "view"}\n')
    version = ingest(client, project, "events", FileSource(str(good)))
    good.write_text('{"id": 1, "kind": "click"}\n{"id": oops}\n{"id": "three"}\n')

    with pytest.raises(ConnectorError) as caught:
        ingest(client, project, "events", FileSource(str(good)))

    assert version is not None
    assert version.row_count == 2
    assert "events.jsonl:2: not JSON" in str(caught.value)
    assert "events.jsonl:3: 'id' is string here but number on line 1" in str(caught.value)


def test_ingest_parquet_files(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    pq.write_table(pa.table({"x": [1, 2]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"x": [3], "y": ["new"]}), tmp_path / "b.parquet")

    version = ingest(client, project, "xs", FileSource(f"{tmp_path}/*.parquet"))

    assert version is not None
    assert version.row_count == 3
    assert [c.name for c in version.columns or []] == ["x", "y"]


def test_ingest_from_fsspec_url(client: mlplane.Client, project: str) -> None:
    memory = fsspec.filesystem("memory")
    memory.pipe("/landing/day-1.csv", b"id,v\n1,a\n2,b\n")
    memory.pipe("/landing/day-2.csv", b"id,v\n3,c\n")

    version = ingest(client, project, "landing", FileSource("memory://landing/*.csv"))

    assert version is not None
    assert version.row_count == 3
    memory.rm("/landing", recursive=True)


def test_ingest_folder_into_files_dataset(
    client: mlplane.Client, project: str, folder: Path
) -> None:
    client.datasets.create("images", project=project, kind="files")

    version = ingest(client, project, "images", FileSource(str(folder)))

    assert version is not None
    assert version.file_count == 30
    assert client.datasets.get_manifest("images", project=project).files[0].path == (
        "class-0/img-000.txt"
    )


def test_missing_source_fails_and_keeps_latest(
    client: mlplane.Client, project: str, csv_folder: Path
) -> None:
    ingest(client, project, "orders", FileSource(f"{csv_folder}/*.csv"))

    with pytest.raises(ConnectorError, match="no file matches"):
        ingest(client, project, "orders", FileSource(f"{csv_folder}/*.missing"))

    assert client.datasets.get("orders", project=project).latest_version == 1
