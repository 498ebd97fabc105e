from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.errors import InvalidInput, NotFound


def _exercise(store: ArtifactStore) -> None:
    store.put_bytes("runs/1/model.bin", b"weights")
    store.put_stream("runs/1/data/part-0.csv", io.BytesIO(b"a,b\n1,2\n"))

    assert store.get_bytes("runs/1/model.bin") == b"weights"
    assert store.exists("runs/1/data/part-0.csv")
    listing = store.list("runs/1")
    assert [(info.path, info.is_dir) for info in listing] == [
        ("runs/1/data", True),
        ("runs/1/model.bin", False),
    ]
    assert listing[1].size == 7
    assert [info.path for info in store.walk("runs")] == [
        "runs/1/data/part-0.csv",
        "runs/1/model.bin",
    ]
    with store.open("runs/1/model.bin") as handle:
        assert handle.read() == b"weights"
    store.delete("runs/1")
    assert not store.exists("runs/1/model.bin")
    with pytest.raises(NotFound):
        store.get_bytes("runs/1/model.bin")


def test_artifact_store_on_local_folder(tmp_path: Path) -> None:
    _exercise(ArtifactStore(str(tmp_path / "artifacts")))


@pytest.mark.s3
def test_artifact_store_on_s3(s3_endpoint: str) -> None:
    import boto3

    bucket = f"b-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)

    _exercise(ArtifactStore(f"s3://{bucket}/mlplane", s3_endpoint_url=s3_endpoint))


def test_put_bytes_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = ArtifactStore(str(tmp_path))

    store.put_bytes("a/b.txt", b"x")

    assert sorted(path.name for path in (tmp_path / "a").iterdir()) == ["b.txt"]


@pytest.mark.parametrize("path", ["../escape", "a/../../escape", "/../etc/passwd"])
def test_put_bytes_refuses_paths_leaving_the_root(tmp_path: Path, path: str) -> None:
    store = ArtifactStore(str(tmp_path / "root"))

    with pytest.raises(InvalidInput):
        store.put_bytes(path, b"x")

    assert not (tmp_path / "escape").exists()
