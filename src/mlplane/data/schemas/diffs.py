"""Wire models for the difference between two versions of a dataset."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mlplane.data.schemas.versions import ColumnSchema


class TypeChange(BaseModel):
    name: str
    from_type: str
    to_type: str


class RowChanges(BaseModel):
    count: int
    sample: list[dict[str, Any]] = Field(default_factory=list)


class TableDiff(BaseModel):
    key_columns: list[str] = Field(
        description="Rows are matched on these; without keys, rows are compared whole and a "
        "changed row counts as one removed and one added."
    )
    columns_added: list[ColumnSchema]
    columns_removed: list[ColumnSchema]
    columns_changed: list[TypeChange]
    rows_added: RowChanges
    rows_removed: RowChanges
    rows_changed: RowChanges = Field(
        description="Rows whose key is in both versions and whose other shared columns differ; "
        "each sample holds the key and `changes`: {column: {from, to}}."
    )


class FileChanges(BaseModel):
    count: int
    paths: list[str] = Field(description="At most the first 1,000, sorted.")


class FilesDiff(BaseModel):
    added: FileChanges
    removed: FileChanges
    changed: FileChanges
    unchanged: int


class DatasetDiff(BaseModel):
    dataset: str
    from_version: int
    to_version: int
    files: FilesDiff
    table: TableDiff | None = None
