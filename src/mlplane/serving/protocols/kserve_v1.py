"""KServe V1 (`/v1/models/{name}`, `:predict`) and MLflow-style `:invocations`.

`:predict` takes `{"instances": [...]}` (rows) or `{"inputs": ...}` (columns or a tensor).
`:invocations` takes what `mlflow models serve` takes: `dataframe_split`,
`dataframe_records`, `instances` or `inputs`. Both answer `{"predictions": [...]}`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mlplane.registry.packaging.signature import Signature
from mlplane.serving.gateway import Gateway
from mlplane.serving.protocols.errors import ProtocolError, bad_request, not_found
from mlplane.serving.protocols.rows import (
    columns_or_tensor,
    instances_to_inputs,
    predictions,
    records_to_columns,
)

PREDICT = "predict"
INVOCATIONS = "invocations"


def predict_inputs(body: dict[str, Any], signature: Signature | None) -> Any:
    if "instances" in body:
        return instances_to_inputs(body["instances"], signature)
    if "inputs" in body:
        return columns_or_tensor(body["inputs"], signature)
    raise bad_request("the body needs 'instances' or 'inputs'")


def _dataframe_split(split: Any) -> dict[str, list[Any]]:
    if not isinstance(split, dict) or not isinstance(split.get("data"), list):
        raise bad_request("'dataframe_split' needs 'columns' and 'data' (a list of rows)")
    names = split.get("columns")
    rows = split["data"]
    if not isinstance(names, list):
        raise bad_request("'dataframe_split' needs 'columns': a list of column names")
    columns: dict[str, list[Any]] = {str(name): [] for name in names}
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(names):
            raise bad_request(f"row {index} of 'dataframe_split' must hold {len(names)} values")
        for name, value in zip(columns, row, strict=True):
            columns[name].append(value)
    return columns


def invocation_inputs(body: dict[str, Any], signature: Signature | None) -> Any:
    if "dataframe_split" in body:
        return _dataframe_split(body["dataframe_split"])
    if "dataframe_records" in body:
        records = body["dataframe_records"]
        if not isinstance(records, list):
            raise bad_request("'dataframe_records' must be a list of rows")
        return records_to_columns(records, signature)
    if "instances" in body or "inputs" in body:
        return predict_inputs(body, signature)
    raise bad_request(
        "the body needs one of 'dataframe_split', 'dataframe_records', 'instances', 'inputs'"
    )


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError as error:
        raise bad_request(f"the request is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_request("the request must be a JSON object")
    return body


def routes(gateway: Gateway) -> list[Route]:
    async def model_status(request: Request) -> Response:
        try:
            name, _, verb = request.path_params["target"].partition(":")
            if verb:
                raise not_found(f"'{verb}' is answered to POST only")
            model, _ = await gateway.model(request, name)
            return JSONResponse({"name": model.name, "ready": True})
        except ProtocolError as error:
            return error.response()

    async def model_call(request: Request) -> Response:
        try:
            name, _, verb = request.path_params["target"].partition(":")
            if verb not in (PREDICT, INVOCATIONS):
                raise not_found(f"POST /v1/models/{name}:predict or :invocations")
            model, caller = await gateway.model(request, name)
            body = await _json_body(request)
            if verb == PREDICT:
                inputs = predict_inputs(body, model.signature)
            else:
                inputs = invocation_inputs(body, model.signature)
            outputs = await gateway.infer(model, inputs, caller, verb)
            return JSONResponse({"predictions": predictions(outputs)})
        except ProtocolError as error:
            return error.response()

    return [
        Route("/v1/models/{target}", model_status, methods=["GET"]),
        Route("/v1/models/{target}", model_call, methods=["POST"]),
    ]
