"""Files: a local path, a glob, or any fsspec URL; CSV, Parquet or JSON lines.

CSV is read by DuckDB with rejected rows collected, so every malformed row (too many or
too few fields, a value that does not fit its column's type) is reported with its file and
line, and nothing is ingested from a source that has any.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from mlplane.data.connectors.base import Batch, ConnectorError
from mlplane.data.schemas.datasets import DatasetKind

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def _format_of(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ConnectorError(f"{path}: cannot tell the format from the name; say format=...")
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_csv_files(
    paths: list[Path],
    *,
    names: list[str] | None = None,
    delimiter: str | None = None,
    header: bool = True,
    types: dict[str, str] | None = None,
) -> pa.Table:
    """Read CSV files into one table, or raise with every rejected row's file and line."""
    shown = names or [str(path) for path in paths]
    options = ["store_rejects = true", f"header = {str(header).lower()}"]
    if delimiter:
        options.append(f"delim = {_quote(delimiter)}")
    if types:
        pairs = ", ".join(f"{_quote(name)}: {_quote(kind)}" for name, kind in types.items())
        options.append(f"types = {{{pairs}}}")
    connection = duckdb.connect(":memory:")
    tables: list[pa.Table] = []
    try:
        # One file at a time: DuckDB keeps rejected rows only when files are not unioned.
        for path in paths:
            tables.append(
                connection.sql(
                    f"SELECT * FROM read_csv({_quote(str(path))}, {', '.join(options)})"
                ).to_arrow_table()
            )
        rejects = connection.sql(
            "SELECT s.file_path, e.line, e.column_name, e.error_type, e.csv_line "
            "FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id) "
            "ORDER BY s.file_path, e.line"
        ).fetchall()
    except duckdb.Error as error:
        raise ConnectorError(f"cannot read {', '.join(shown)}: {error}") from error
    finally:
        connection.close()
    if rejects:
        display = dict(zip((str(path) for path in paths), shown, strict=True))
        problems = [
            f"{display.get(file_path, file_path)}:{line}: {error_type.lower()}"
            + (f" in column {column!r}" if column else "")
            + f": {text!r}"
            for file_path, line, column, error_type, text in rejects
        ]
        raise ConnectorError(f"{len(rejects)} malformed CSV rows; nothing was ingested:", problems)
    return _concat(tables)


def _concat(tables: list[pa.Table]) -> pa.Table:
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ConnectorError(f"the files' columns clash: {error}") from error


def read_jsonl_file(path: Path, name: str) -> pa.Table:
    """JSON lines, one object a line; a bad line or a key whose type changes is reported."""
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    seen_types: dict[str, tuple[str, int]] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{name}:{number}: not JSON: {error.msg}")
                continue
            if not isinstance(record, dict):
                problems.append(f"{name}:{number}: not a JSON object")
                continue
            for key, value in record.items():
                kind = _json_kind(value)
                if kind is None:
                    continue
                first = seen_types.setdefault(key, (kind, number))
                if first[0] != kind:
                    problems.append(
                        f"{name}:{number}: {key!r} is {kind} here but {first[0]} on line {first[1]}"
                    )
            records.append(record)
    if problems:
        raise ConnectorError(
            f"{len(problems)} malformed JSON lines; nothing was ingested:", problems
        )
    try:
        return pa.Table.from_pylist(records)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ConnectorError(f"{name}: the records do not make a table: {error}") from error


def _json_kind(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


def read_table_files(
    paths: list[Path],
    names: list[str] | None = None,
    *,
    file_format: str | None = None,
    delimiter: str | None = None,
    header: bool = True,
    types: dict[str, str] | None = None,
) -> pa.Table:
    """Files of one format into one table (columns matched by name)."""
    shown = names or [str(path) for path in paths]
    formats = {_format_of(path, file_format) for path in paths}
    if len(formats) > 1:
        raise ConnectorError(f"the files mix formats {sorted(formats)}; ingest them separately")
    form = formats.pop()
    if form == "csv":
        return read_csv_files(paths, names=shown, delimiter=delimiter, header=header, types=types)
    if form == "parquet":
        tables = []
        for path, name in zip(paths, shown, strict=True):
            try:
                tables.append(pq.read_table(path))
            except (pa.ArrowInvalid, OSError) as error:
                raise ConnectorError(f"{name}: not a readable Parquet file: {error}") from error
    else:
        tables = [read_jsonl_file(path, name) for path, name in zip(paths, shown, strict=True)]
    return _concat(tables)


@dataclass
class FileSource:
    """`url`: a path, a glob (`data/*.csv`, `logs/**/*.jsonl`), a folder, or an fsspec URL
    (`s3://bucket/prefix/*.parquet`). Every read takes everything: an unchanged source makes
    no new version."""

    url: str
    format: str | None = None
    delimiter: str | None = None
    header: bool = True
    types: dict[str, str] | None = None
    storage_options: dict[str, Any] = field(default_factory=dict)
    kind: str = "files"

    def describe(self) -> dict[str, Any]:
        return {"url": self.url, "format": self.format}

    def _local_matches(self) -> list[Match]:
        root = Path(self.url.removeprefix("file://")).expanduser()
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.is_file())
            return [Match(p.relative_to(root).as_posix(), p, str(p)) for p in found]
        files = [Path(p) for p in sorted(glob.glob(str(root), recursive=True))]
        files = [p for p in files if p.is_file()]
        base = Path(_glob_base(str(root))) if glob.has_magic(str(root)) else root.parent
        return [Match(p.relative_to(base).as_posix(), p, str(p)) for p in files]

    def _remote_matches(self, workdir: Path) -> list[Match]:
        import fsspec

        filesystem, path = fsspec.core.url_to_fs(self.url, **self.storage_options)
        protocol = self.url.split("://", 1)[0]
        if filesystem.isdir(path):
            remote = sorted(filesystem.find(path))
            base = path.rstrip("/")
        elif glob.has_magic(path):
            remote = sorted(filesystem.glob(path))
            base = _glob_base(path)
        else:
            remote, base = [path], os.path.dirname(path)
        matched = []
        for item in remote:
            relative = item[len(base) :].lstrip("/") if item.startswith(base) else item
            local = workdir / "download" / relative
            local.parent.mkdir(parents=True, exist_ok=True)
            with filesystem.open(item, "rb") as source, open(local, "wb") as target:
                shutil.copyfileobj(source, target)
            matched.append(Match(relative, local, f"{protocol}://{item}"))
        return matched

    def read(self, cursor: Any, workdir: Path, kind: DatasetKind) -> Batch | None:
        is_remote = "://" in self.url and not self.url.startswith("file://")
        matches = self._remote_matches(workdir) if is_remote else self._local_matches()
        if not matches:
            raise ConnectorError(f"no file matches {self.url!r}")
        if kind is DatasetKind.FILES:
            return Batch(files=[(match.relative, match.path) for match in matches])
        table = read_table_files(
            [match.path for match in matches],
            [match.display for match in matches],
            file_format=self.format,
            delimiter=self.delimiter,
            header=self.header,
            types=self.types,
        )
        return Batch(table=table)


@dataclass(frozen=True)
class Match:
    relative: str
    path: Path
    display: str


def _glob_base(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    parts = pattern.split("/")
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return "/".join(fixed)
