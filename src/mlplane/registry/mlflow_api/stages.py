"""MLflow's stage names, which clients may spell in any case."""

from __future__ import annotations

from mlplane.registry.schemas import Stage
from mlplane.tracking.mlflow_api.errors import MlflowError

_BY_LOWER = {stage.value.lower(): stage for stage in Stage}


def stage_of(name: str) -> Stage:
    found = _BY_LOWER.get(name.strip().lower())
    if found is None:
        allowed = ", ".join(stage.value for stage in Stage)
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"Invalid Model Version stage: {name}. Value must be one of {allowed}.",
        )
    return found
