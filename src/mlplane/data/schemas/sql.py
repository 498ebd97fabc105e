"""Wire models for SQL analytics and saved queries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import Description, Name

SqlText = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=250)]

MAX_ROWS_LIMIT = 100_000
DEFAULT_MAX_ROWS = 10_000
MAX_TIMEOUT_SECONDS = 300.0
DEFAULT_TIMEOUT_SECONDS = 30.0


class ResultFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"


class QueryOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_rows: int = Field(
        default=DEFAULT_MAX_ROWS,
        ge=1,
        le=MAX_ROWS_LIMIT,
        description="A query returning more rows is stopped with an error: add LIMIT or aggregate.",
    )
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0, le=MAX_TIMEOUT_SECONDS)
    format: ResultFormat = ResultFormat.JSON


class QueryRequest(QueryOptions):
    sql: SqlText = Field(
        description='One SELECT. Datasets are tables: `"sales@3"` (or `sales@3`) is version 3, '
        "`sales` the latest ready version; platform tables such as `projects` and "
        "`audit_events` are there too."
    )


class ResultColumn(BaseModel):
    name: str
    type: str


class QueryResult(BaseModel):
    columns: list[ResultColumn]
    rows: list[list[Any]]
    row_count: int
    elapsed_ms: float


class SqlTableKind(StrEnum):
    DATASET = "dataset"
    PLATFORM = "platform"


class SqlTable(BaseModel):
    name: str
    kind: SqlTableKind
    description: str


class ChartType(StrEnum):
    TABLE = "table"
    BAR = "bar"
    LINE = "line"
    AREA = "area"
    SCATTER = "scatter"
    PIE = "pie"


class ChartSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ChartType = ChartType.TABLE
    x: ColumnName | None = None
    y: list[ColumnName] = Field(default_factory=list, max_length=20)


class SavedQueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""
    sql: SqlText
    chart: ChartSpec | None = None


class SavedQueryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Description | None = None
    sql: SqlText | None = None
    chart: ChartSpec | None = None


class SavedQuery(BaseModel):
    id: str
    project: str
    name: str
    description: str
    sql: str
    chart: ChartSpec | None
    created_at: datetime
    created_by: str
    updated_at: datetime
