"""Wire models of logged models, as the MLflow-compatible API reads and writes them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class LoggedModelStatus(StrEnum):
    """MLflow's names: a model is PENDING until its files are uploaded."""

    PENDING = "LOGGED_MODEL_PENDING"
    READY = "LOGGED_MODEL_READY"
    UPLOAD_FAILED = "LOGGED_MODEL_UPLOAD_FAILED"


class LoggedModelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiment_id: str
    name: str | None = Field(default=None, description="Generated when left out.")
    model_type: str = ""
    source_run_id: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class LoggedModel(BaseModel):
    id: str
    experiment_id: str
    name: str
    model_type: str
    source_run_id: str | None
    status: LoggedModelStatus
    status_message: str
    artifact_location: str = Field(description="A folder of the platform's artifact store.")
    lifecycle: str
    created_by: str
    creation_time: int
    last_updated_time: int
    params: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class LoggedModelOrder(BaseModel):
    field_name: str
    ascending: bool = True


class LoggedModelSearch(BaseModel):
    experiment_ids: list[str]
    filter: str = ""
    order_by: list[LoggedModelOrder] = Field(default_factory=list)
    max_results: int | None = None
    page_token: str | None = None


class RunModels(BaseModel):
    """The models a run used and those it produced (with the step it produced them at)."""

    inputs: list[str] = Field(default_factory=list)
    outputs: list[tuple[str, int]] = Field(default_factory=list)
