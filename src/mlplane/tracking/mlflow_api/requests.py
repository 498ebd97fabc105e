"""Bodies of MLflow's POST requests, as its clients send them (protobuf JSON).

Unknown fields are ignored, as a protobuf server ignores fields newer than itself; int64
fields may arrive as numbers or as digit strings; enums arrive by name.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mlplane.tracking.mlflow_api.errors import MlflowError
from mlplane.tracking.mlflow_api.logged_models.schemas import LoggedModelStatus
from mlplane.tracking.schemas import RunStatus, ViewType

_VIEW_TYPE_NUMBERS = {1: ViewType.ACTIVE_ONLY, 2: ViewType.DELETED_ONLY, 3: ViewType.ALL}


def _view_type(value: Any) -> Any:
    """Enums travel by name, but protobuf JSON also accepts their numbers."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return _VIEW_TYPE_NUMBERS.get(int(value), value)
    return value


ViewTypeIn = Annotated[ViewType, BeforeValidator(_view_type)]


class MlflowRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")


class KeyValue(MlflowRequest):
    key: str
    value: str = ""


def as_dict(pairs: list[KeyValue]) -> dict[str, str]:
    return {pair.key: pair.value for pair in pairs}


class RunRequest(MlflowRequest):
    """A request about one run, named by `run_id` or by its older spelling `run_uuid`."""

    run_id: str | None = None
    run_uuid: str | None = None

    @property
    def target(self) -> str:
        run_id = self.run_id or self.run_uuid
        if not run_id:
            raise MlflowError(
                "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'"
            )
        return run_id


class ExperimentRequest(MlflowRequest):
    experiment_id: str


# Experiments


class CreateExperiment(MlflowRequest):
    name: str
    artifact_location: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class UpdateExperiment(ExperimentRequest):
    new_name: str | None = None


class SetExperimentTag(ExperimentRequest):
    key: str
    value: str = ""


class DeleteExperimentTag(ExperimentRequest):
    key: str


class SearchExperiments(MlflowRequest):
    max_results: int | None = None
    page_token: str | None = None
    filter: str | None = None
    order_by: list[str] = Field(default_factory=list)
    view_type: ViewTypeIn = ViewType.ACTIVE_ONLY


# Runs


class CreateRun(MlflowRequest):
    experiment_id: str | None = None
    user_id: str | None = None
    run_name: str | None = None
    start_time: int | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class UpdateRun(RunRequest):
    status: RunStatus | None = None
    end_time: int | None = None
    run_name: str | None = None


class SetTag(RunRequest):
    key: str
    value: str = ""


class DeleteTag(RunRequest):
    key: str


class LogParam(RunRequest):
    key: str
    value: str = ""


class LogMetric(RunRequest):
    key: str
    value: float | str
    timestamp: int | None = None
    step: int = 0


class SearchRuns(MlflowRequest):
    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    run_view_type: ViewTypeIn = ViewType.ACTIVE_ONLY
    max_results: int = 1000
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


class Dataset(MlflowRequest):
    name: str
    digest: str
    source_type: str = ""
    source: str = ""
    schema_: str | None = Field(default=None, alias="schema")
    profile: str | None = None


class DatasetInputIn(MlflowRequest):
    tags: list[KeyValue] = Field(default_factory=list)
    dataset: Dataset


class ModelReference(MlflowRequest):
    model_id: str


class ModelOutput(MlflowRequest):
    model_id: str
    step: int = 0


class LogInputs(RunRequest):
    datasets: list[DatasetInputIn] = Field(default_factory=list)
    models: list[ModelReference] = Field(default_factory=list)


class LogOutputs(RunRequest):
    models: list[ModelOutput] = Field(default_factory=list)


class LogModel(RunRequest):
    model_json: str


# Logged models

_MODEL_STATUS_NUMBERS = {
    1: LoggedModelStatus.PENDING,
    2: LoggedModelStatus.READY,
    3: LoggedModelStatus.UPLOAD_FAILED,
}


def _model_status(value: Any) -> Any:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return _MODEL_STATUS_NUMBERS.get(int(value), value)
    return value


LoggedModelStatusIn = Annotated[LoggedModelStatus, BeforeValidator(_model_status)]


class CreateLoggedModel(MlflowRequest):
    experiment_id: str | None = None
    name: str | None = None
    model_type: str | None = None
    source_run_id: str | None = None
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class FinalizeLoggedModel(MlflowRequest):
    status: LoggedModelStatusIn


class SetLoggedModelTags(MlflowRequest):
    tags: list[KeyValue] = Field(default_factory=list)


class LogLoggedModelParams(MlflowRequest):
    params: list[KeyValue] = Field(default_factory=list)


class LoggedModelOrderIn(MlflowRequest):
    field_name: str
    ascending: bool = True


class SearchLoggedModels(MlflowRequest):
    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    max_results: int = 50
    order_by: list[LoggedModelOrderIn] = Field(default_factory=list)
    page_token: str | None = None
