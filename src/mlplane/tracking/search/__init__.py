"""MLflow's search language for runs and experiments: parsing and checking, no SQL."""

from mlplane.tracking.search.fields import EXPERIMENTS, RUNS, Entity, Kind, Target
from mlplane.tracking.search.parser import (
    Comparison,
    Field,
    SortKey,
    parse_filter,
    parse_order_by,
)

__all__ = [
    "EXPERIMENTS",
    "RUNS",
    "Comparison",
    "Entity",
    "Field",
    "Kind",
    "SortKey",
    "Target",
    "parse_filter",
    "parse_order_by",
]
