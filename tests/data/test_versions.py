from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pytest

import mlplane
from mlplane.data.client import transfer
from mlplane.data.packs import PACK_MEDIA_TYPE, pack_header
from mlplane.data.schemas import Lineage
from tests.data.conftest import customers


def _blobs(home: Path, project: str, dataset: str) -> list[Path]:
    folder = home / "artifacts" / "datasets" / project / dataset / "blobs"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_push_table_makes_version_one_with_schema_and_statistics(
    client: mlplane.Client, project: str
) -> None:
    result = client.datasets.push(customers(40), "customers", project=project, message="first")

    version = result.version
    assert result.created
    assert (version.number, version.status, version.row_count) == (1, "ready", 40)
    assert [(c.name, c.type) for c in version.columns or []] == [
        ("id", "int64"),
        ("age", "int64"),
        ("spend", "double"),
        ("segment", "string"),
    ]
    assert version.statistics["row_count"] == 40
    assert version.message == "first"
    assert client.datasets.get("customers", project=project).latest_version == 1


def test_push_unchanged_table_returns_existing_version(
    client: mlplane.Client, project: str
) -> None:
    first = client.datasets.push(customers(40), "customers", project=project)

    again = client.datasets.push(customers(40), "customers", project=project)

    assert not again.created
    assert again.version.number == first.version.number == 1
    assert client.datasets.get("customers", project=project).version_count == 1


def test_push_changed_table_makes_next_version(client: mlplane.Client, project: str) -> None:
    client.datasets.push(customers(40), "customers", project=project)

    second = client.datasets.push(customers(41), "customers", project=project)

    assert (second.created, second.version.number, second.version.row_count) == (True, 2, 41)
    versions = client.datasets.list_versions("customers", project=project)
    assert [version.number for version in versions] == [2, 1]


def test_push_folder_versions_every_file(
    client: mlplane.Client, project: str, folder: Path
) -> None:
    result = client.datasets.push(folder, "images", project=project)

    manifest = client.datasets.get_manifest("images", project=project)
    assert result.version.kind == "files"
    assert result.version.file_count == 30
    assert result.version.row_count is None
    assert result.version.statistics["extensions"] == {".txt": 30}
    assert manifest.files[0].path == "class-0/img-000.txt"
    assert manifest.files[0].hash == hashlib.sha256(b"pixels of image 0\n").hexdigest()


def test_push_folder_with_one_changed_file_stores_only_that_file(
    client: mlplane.Client, project: str, folder: Path, home: Path
) -> None:
    client.datasets.push(folder, "images", project=project)
    assert len(_blobs(home, project, "images")) == 30
    (folder / "class-1" / "img-001.txt").write_text("retouched\n")

    result = client.datasets.push(folder, "images", project=project)

    assert (result.created, result.version.number) == (True, 2)
    assert len(_blobs(home, project, "images")) == 31
    diff = client.datasets.diff("images", 1, 2, project=project)
    assert diff.files.changed.paths == ["class-1/img-001.txt"]
    assert diff.files.unchanged == 29


def test_upload_sends_only_blobs_the_store_lacks(
    client: mlplane.Client, project: str, folder: Path
) -> None:
    client.datasets.push(folder, "images", project=project)
    (folder / "new.txt").write_text("a new file\n")
    files = transfer.scan_folder(folder)

    sent = transfer.upload(client.transport, project, "images", files)

    assert sent == 1


def test_scan_reuses_hashes_of_files_with_unchanged_size_and_mtime(folder: Path) -> None:
    first = transfer.scan_folder(folder)
    marked = [item.entry.model_copy(update={"hash": "0" * 64}) for item in first]
    (folder / "class-2" / "img-002.txt").write_text("changed, longer than before\n")

    second = transfer.scan_folder(folder, marked)

    rehashed = [item.entry.path for item in second if item.entry.hash != "0" * 64]
    assert rehashed == ["class-2/img-002.txt"]


def test_commit_with_blob_never_uploaded_is_refused(client: mlplane.Client, project: str) -> None:
    client.datasets.create("images", project=project, kind="files")
    entry = {"path": "a.txt", "size": 3, "hash": hashlib.sha256(b"abc").hexdigest()}

    with pytest.raises(mlplane.ApiError) as caught:
        client.transport.json(
            "POST", f"/api/v1/projects/{project}/datasets/images/versions", json={"files": [entry]}
        )

    assert caught.value.status == 422
    assert "never uploaded" in caught.value.detail
    assert client.datasets.list_versions("images", project=project) == []


def test_upload_with_bytes_not_matching_hash_is_refused(
    client: mlplane.Client, project: str
) -> None:
    client.datasets.create("images", project=project, kind="files")
    claimed = hashlib.sha256(b"abc").hexdigest()

    with pytest.raises(mlplane.ApiError) as caught:
        client.transport.request(
            "POST",
            f"/api/v1/projects/{project}/datasets/images/blobs",
            content=pack_header(claimed, 3) + b"xyz",
            headers={"Content-Type": PACK_MEDIA_TYPE},
        )

    assert caught.value.status == 422
    missing = client.transport.json(
        "POST",
        f"/api/v1/projects/{project}/datasets/images/blobs/missing",
        json={"hashes": [claimed]},
    )
    assert missing["hashes"] == [claimed]


def test_table_version_that_is_not_parquet_is_not_created(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    client.datasets.create("customers", project=project)
    fake = tmp_path / "part-00000.parquet"
    fake.write_bytes(b"these bytes are not parquet")

    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.push(fake, "customers", project=project)

    assert caught.value.status == 422
    assert "Parquet" in caught.value.detail
    assert client.datasets.get("customers", project=project).version_count == 0


def test_version_carries_tags_and_lineage(client: mlplane.Client, project: str) -> None:
    lineage = Lineage(run_id="run-1", pipeline="nightly", sources=["crm"])
    client.datasets.push(
        customers(5), "customers", project=project, tags={"stage": "raw"}, lineage=lineage
    )

    updated = client.datasets.update_version(
        "customers", 1, project=project, tags={"stage": "gold"}
    )

    assert updated.tags == {"stage": "gold"}
    assert updated.lineage.run_id == "run-1"
    assert updated.lineage.sources == ["crm"]


def test_get_version_accepts_number_v_number_and_latest(
    client: mlplane.Client, project: str
) -> None:
    client.datasets.push(customers(5), "customers", project=project)
    client.datasets.push(customers(6), "customers", project=project)

    numbers = [
        client.datasets.get_version("customers", ref, project=project).number
        for ref in (1, "v1", "latest")
    ]

    assert numbers == [1, 1, 2]


def test_get_version_refuses_bad_reference_and_missing_version(
    client: mlplane.Client, project: str
) -> None:
    client.datasets.push(customers(5), "customers", project=project)

    with pytest.raises(mlplane.ApiError) as bad:
        client.datasets.get_version("customers", "first", project=project)
    with pytest.raises(mlplane.ApiError) as missing:
        client.datasets.get_version("customers", 9, project=project)

    assert bad.value.status == 422
    assert missing.value.status == 404


def test_record_consumer_twice_keeps_one(client: mlplane.Client, project: str) -> None:
    client.datasets.push(customers(5), "customers", project=project)

    client.datasets.create_consumer("customers", 1, "run-42", project=project)
    client.datasets.create_consumer("customers", "latest", "run-42", project=project)
    client.datasets.create_consumer("customers", 1, "run-43", project=project)

    consumers = client.datasets.list_consumers("customers", 1, project=project)
    assert [c.run_id for c in consumers] == ["run-42", "run-43"]


def test_list_versions_pages_newest_first(client: mlplane.Client, project: str) -> None:
    for rows in (3, 4, 5):
        client.datasets.push(customers(rows), "customers", project=project)

    page = client.transport.json(
        "GET",
        f"/api/v1/projects/{project}/datasets/customers/versions",
        params={"max_results": 2},
    )
    rest = client.transport.json(
        "GET",
        f"/api/v1/projects/{project}/datasets/customers/versions",
        params={"max_results": 2, "page_token": page["next_page_token"]},
    )

    assert [v["number"] for v in page["items"]] == [3, 2]
    assert [v["number"] for v in rest["items"]] == [1]


def test_push_arrow_table_to_files_dataset_is_refused(client: mlplane.Client, project: str) -> None:
    client.datasets.create("images", project=project, kind="files")

    with pytest.raises(ValueError, match="table dataset"):
        client.datasets.push(pa.table({"x": [1]}), "images", project=project)


def test_concurrent_pushes_get_distinct_numbers(client: mlplane.Client, project: str) -> None:
    client.datasets.create("customers", project=project)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda rows: client.datasets.push(customers(rows), "customers", project=project),
                [10, 11, 12, 13],
            )
        )

    assert sorted(result.version.number for result in results) == [1, 2, 3, 4]
    assert client.datasets.get("customers", project=project).version_count == 4
