from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import s3fs

import mlplane
from tests.data.conftest import customers

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_client(
    s3_endpoint: str, home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[mlplane.Client, s3fs.S3FileSystem, str]]:
    bucket = f"datasets-{uuid.uuid4().hex[:8]}"
    filesystem = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint})
    filesystem.mkdir(bucket)
    monkeypatch.setenv("MLPLANE_HOME", str(home))
    monkeypatch.setenv("MLPLANE_DATABASE_URL", database_url)
    monkeypatch.setenv("MLPLANE_ARTIFACT_ROOT", f"s3://{bucket}/platform")
    monkeypatch.setenv("MLPLANE_S3_ENDPOINT_URL", s3_endpoint)
    with mlplane.Client(home=home) as admin:
        admin.projects.create("lake")
        yield admin, filesystem, bucket


def test_table_versions_live_in_the_bucket_and_query_from_it(
    s3_client: tuple[mlplane.Client, s3fs.S3FileSystem, str],
) -> None:
    client, filesystem, bucket = s3_client

    first = client.datasets.push(customers(20), "customers", project="lake")
    client.datasets.create_check(
        "customers", {"name": "adults", "kind": "range", "column": "age", "min": 18}, project="lake"
    )
    second = client.datasets.push(customers(25), "customers", project="lake")

    blobs = filesystem.ls(f"{bucket}/platform/datasets/lake/customers/blobs")
    assert len(blobs) == 2
    assert (first.version.row_count, second.version.status) == (20, "ready")
    assert client.datasets.get_profile("customers", project="lake").row_count == 25
    rows = client.sql.run("SELECT count(*) FROM customers@1", project="lake").rows
    assert rows == [[20]]
    diff = client.datasets.diff("customers", 1, 2, project="lake", key=["id"])
    assert diff.table is not None
    assert diff.table.rows_added.count == 5


def test_folder_round_trips_through_the_bucket(
    s3_client: tuple[mlplane.Client, s3fs.S3FileSystem, str], folder: Path, tmp_path: Path
) -> None:
    client, _, _ = s3_client
    client.datasets.push(folder, "images", project="lake")
    (folder / "class-0" / "img-000.txt").write_text("changed\n")
    client.datasets.push(folder, "images", project="lake")

    client.datasets.pull("images", 1, project="lake", destination=tmp_path / "out")

    pulled = (tmp_path / "out" / "class-0" / "img-000.txt").read_text()
    assert pulled == "pixels of image 0\n"
    assert len(list((tmp_path / "out").rglob("*.txt"))) == 30
