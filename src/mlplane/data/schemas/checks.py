"""Wire models for validation checks: declarative rules a table version must pass."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from mlplane.core.names import Description, Name

ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=250)]
Bound = float | str
"""A number, or an ISO date/time compared with a date or timestamp column."""


class _CheckBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""


class SchemaCheck(_CheckBase):
    """Columns that must exist with these types: an Arrow type (`int64`, `timestamp[us]`) or a
    family (`integer`, `float`, `number`, `string`, `boolean`, `timestamp`, `date`)."""

    kind: Literal["schema"] = "schema"
    columns: dict[ColumnName, Annotated[str, StringConstraints(min_length=1, max_length=100)]] = (
        Field(min_length=1, max_length=1000)
    )
    allow_extra_columns: bool = True


class NotNullCheck(_CheckBase):
    kind: Literal["not_null"] = "not_null"
    columns: list[ColumnName] = Field(min_length=1, max_length=1000)


class RangeCheck(_CheckBase):
    """Values of a column between `min` and `max`, both inclusive; nulls pass."""

    kind: Literal["range"] = "range"
    column: ColumnName
    min: Bound | None = None
    max: Bound | None = None


class AllowedValuesCheck(_CheckBase):
    """Every non-null value of a column is one of `values`."""

    kind: Literal["allowed_values"] = "allowed_values"
    column: ColumnName
    values: list[str | int | float | bool] = Field(min_length=1, max_length=10_000)


class UniqueCheck(_CheckBase):
    """No two rows share the same values in `columns`."""

    kind: Literal["unique"] = "unique"
    columns: list[ColumnName] = Field(min_length=1, max_length=100)


class RowCountCheck(_CheckBase):
    kind: Literal["row_count"] = "row_count"
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)


class FreshnessCheck(_CheckBase):
    """The newest value of a timestamp column is at most `max_age_seconds` old."""

    kind: Literal["freshness"] = "freshness"
    column: ColumnName
    max_age_seconds: float = Field(gt=0)


class SqlCheck(_CheckBase):
    """A DuckDB query over the version, named `data`, that must return zero rows."""

    kind: Literal["sql"] = "sql"
    query: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


Check = Annotated[
    SchemaCheck
    | NotNullCheck
    | RangeCheck
    | AllowedValuesCheck
    | UniqueCheck
    | RowCountCheck
    | FreshnessCheck
    | SqlCheck,
    Field(discriminator="kind"),
]

CHECK_ADAPTER: TypeAdapter[Check] = TypeAdapter(Check)


def parse_check(data: Any) -> Check:
    return CHECK_ADAPTER.validate_python(data)


class CheckResult(BaseModel):
    name: str
    kind: str
    passed: bool
    failing_rows: int = Field(description="Rows that break the rule; 0 for table-level rules.")
    message: str = ""
    sample: list[dict[str, Any]] = Field(
        default_factory=list, description="A few failing rows, to see what went wrong."
    )


class CheckEvaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checks: list[Check] | None = Field(
        default=None, max_length=1000, description="None runs the dataset's own checks."
    )
