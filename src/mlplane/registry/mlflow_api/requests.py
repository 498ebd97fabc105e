"""Bodies and query strings of MLflow's registry requests (protobuf JSON).

MLflow clients send GET parameters in the query string and other methods' in a JSON body;
both are read into the same models. Versions arrive as strings or numbers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from pydantic import BeforeValidator, Field

from mlplane.tracking.mlflow_api.errors import MlflowError
from mlplane.tracking.mlflow_api.requests import KeyValue, MlflowRequest


def _version_number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) or value is None:
        return value
    raise MlflowError(
        "INVALID_PARAMETER_VALUE", f"Parameter 'version' must be an integer, got {value!r}."
    )


VersionNumber = Annotated[int, BeforeValidator(_version_number)]
LIST_FIELDS = frozenset({"stages", "order_by"})


async def request_fields(request: Request) -> dict[str, Any]:
    """The query string and the JSON body (if any) as one dict."""
    fields: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        fields[key] = values if key in LIST_FIELDS else values[-1]
    body = await request.body()
    if body.strip():
        import json

        try:
            parsed = json.loads(body)
        except ValueError as error:
            raise MlflowError("BAD_REQUEST", "the request body is not valid JSON") from error
        if isinstance(parsed, dict):
            fields.update(parsed)
    return fields


class ModelRequest(MlflowRequest):
    name: str = Field(min_length=1)


class CreateRegisteredModel(ModelRequest):
    tags: list[KeyValue] = Field(default_factory=list)
    description: str = ""


class RenameRegisteredModel(ModelRequest):
    new_name: str = Field(min_length=1)


class UpdateRegisteredModel(ModelRequest):
    description: str | None = None


class ModelTag(ModelRequest):
    key: str
    value: str = ""


class ModelTagKey(ModelRequest):
    key: str


class SetAlias(ModelRequest):
    alias: str
    version: VersionNumber


class AliasRequest(ModelRequest):
    alias: str


class LatestVersions(ModelRequest):
    stages: list[str] = Field(default_factory=list)


class Search(MlflowRequest):
    filter: str = ""
    max_results: int | None = None
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


class CreateModelVersion(ModelRequest):
    source: str = Field(min_length=1)
    run_id: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)
    run_link: str | None = None
    description: str = ""
    model_id: str | None = None


class VersionRequest(ModelRequest):
    version: VersionNumber


class UpdateModelVersion(VersionRequest):
    description: str | None = None


class TransitionStage(VersionRequest):
    stage: str
    archive_existing_versions: bool = False


class VersionTag(VersionRequest):
    key: str
    value: str = ""


class VersionTagKey(VersionRequest):
    key: str
