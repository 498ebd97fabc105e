"""Turning what a user pushes into the files of a version.

A table becomes Parquet parts (written deterministically, so the same rows pushed twice
give the same bytes and therefore the same version); a folder is taken as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mlplane.data.client.transfer import LocalFile, local_file, scan_folder
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.versions import ManifestEntry

TABLE_FILE_SUFFIXES = (".parquet", ".csv", ".tsv", ".jsonl", ".ndjson", ".json")


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def as_arrow(source: Any) -> pa.Table | None:
    """An Arrow table from Arrow, pandas, or anything speaking the Arrow stream protocol."""
    if isinstance(source, pa.Table):
        return source
    if isinstance(source, pa.RecordBatch):
        return pa.Table.from_batches([source])
    if type(source).__module__.startswith("pandas"):
        return pa.Table.from_pandas(source, preserve_index=False)
    if hasattr(source, "__arrow_c_stream__"):
        return pa.table(source)
    return None


def write_part(table: pa.Table, path: Path) -> None:
    # Key-value metadata (pandas' index description, say) would make equal rows differ.
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd")


def infer_kind(source: Any) -> DatasetKind:
    if as_arrow(source) is not None:
        return DatasetKind.TABLE
    path = Path(source)
    if path.is_file() and path.suffix.lower() in TABLE_FILE_SUFFIXES:
        return DatasetKind.TABLE
    return DatasetKind.FILES


def stage(
    source: Any, kind: DatasetKind, workdir: Path, previous: list[ManifestEntry]
) -> list[LocalFile]:
    """The local files of the version `source` becomes, staging converted tables in `workdir`."""
    table = as_arrow(source)
    if table is not None:
        if kind is not DatasetKind.TABLE:
            raise ValueError("a table can only be pushed to a table dataset")
        target = workdir / part_name(0)
        write_part(table, target)
        return scan_folder(workdir)
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    if kind is DatasetKind.FILES:
        if path.is_file():
            earlier = {entry.path: entry for entry in previous}.get(path.name)
            return [local_file(path, path.name, earlier)]
        return scan_folder(path, previous)
    if path.is_dir():
        parts = scan_folder(path, previous)
        odd = [item.entry.path for item in parts if not item.entry.path.endswith(".parquet")]
        if odd:
            raise ValueError(f"a table folder holds Parquet files only, not {odd[0]!r}")
        return parts
    if path.suffix.lower() == ".parquet":
        earlier = {entry.path: entry for entry in previous}.get(part_name(0))
        return [local_file(path, part_name(0), earlier)]
    from mlplane.data.connectors.files import read_table_files

    write_part(read_table_files([path]), workdir / part_name(0))
    return scan_folder(workdir)
