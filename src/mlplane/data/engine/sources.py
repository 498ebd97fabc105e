"""A table version's Parquet parts, and how DuckDB and Arrow reach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from mlplane.core.errors import InvalidInput


@dataclass(frozen=True)
class TableSource:
    """Parquet files of one table: local paths when `filesystem` is None, otherwise paths in
    an fsspec filesystem (an object store) that DuckDB reads through Arrow."""

    locations: tuple[str, ...]
    filesystem: Any = None
    names: tuple[str, ...] = ()

    @property
    def is_local(self) -> bool:
        return self.filesystem is None

    def arrow_filesystem(self) -> pafs.FileSystem | None:
        if self.filesystem is None:
            return None
        return pafs.PyFileSystem(pafs.FSSpecHandler(self.filesystem))  # type: ignore[abstract]

    def _display(self, index: int) -> str:
        return self.names[index] if index < len(self.names) else self.locations[index]

    def _metadata(self) -> list[pq.FileMetaData]:
        filesystem = self.arrow_filesystem()
        found = []
        for index, location in enumerate(self.locations):
            try:
                if filesystem is None:
                    found.append(pq.read_metadata(location))
                else:
                    with filesystem.open_input_file(location) as handle:
                        found.append(pq.read_metadata(handle))
            except (pa.ArrowInvalid, OSError) as error:
                raise InvalidInput(
                    f"files: {self._display(index)!r} is not a readable Parquet file: {error}"
                ) from error
        return found

    def schema_and_rows(self) -> tuple[pa.Schema, int]:
        """The parts' schemas unified (a column missing from a part reads as nulls), and the
        total row count, from the Parquet footers alone."""
        metadata = self._metadata()
        schemas = [item.schema.to_arrow_schema().remove_metadata() for item in metadata]
        try:
            schema = pa.unify_schemas(schemas, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise InvalidInput(f"files: the Parquet parts have clashing types: {error}") from error
        return schema, sum(item.num_rows for item in metadata)

    def arrow_dataset(self, schema: pa.Schema) -> pads.Dataset:
        return pads.dataset(
            list(self.locations),
            format="parquet",
            filesystem=self.arrow_filesystem(),
            schema=schema,
        )


def describe_schema(schema: pa.Schema) -> list[dict[str, Any]]:
    return [
        {"name": field.name, "type": str(field.type), "nullable": field.nullable}
        for field in schema
    ]
