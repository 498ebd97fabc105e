"""The Open Inference Protocol (KServe V2, Triton's REST API) with the binary data extension.

An infer request is JSON, or — when `Inference-Header-Content-Length: N` is sent — N bytes
of JSON followed by the raw data of every input whose `parameters.binary_data_size` is set,
in the order the inputs are listed. Outputs are answered the same way when asked for with
`parameters.binary_data` on an output, or `binary_data_output` on the request (what
tritonclient sends when it names no outputs).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mlplane import __version__
from mlplane.registry.packaging.batch import PREDICTION
from mlplane.registry.packaging.signature import STRING, ColumnSpec, Signature
from mlplane.serving.batching import Outputs
from mlplane.serving.gateway import Gateway
from mlplane.serving.protocols.datatypes import (
    BYTES,
    datatype_of,
    datatype_of_name,
    json_values,
    numpy_dtype,
    reshape,
    tensor_bytes,
    tensor_from_bytes,
)
from mlplane.serving.protocols.errors import ProtocolError, bad_request
from mlplane.serving.table import ServedModel

HEADER_LENGTH = "Inference-Header-Content-Length"
TENSOR_INPUT = "input"
EXTENSIONS = ["binary_tensor_data"]


def _tensor_metadata(spec: ColumnSpec, default_name: str) -> dict[str, Any]:
    return {
        "name": spec.name or default_name,
        "datatype": datatype_of_name(spec.dtype),
        "shape": list(spec.shape),
    }


def model_metadata(model: ServedModel) -> dict[str, Any]:
    signature = model.signature
    inputs = (
        [_tensor_metadata(spec, TENSOR_INPUT) for spec in signature.inputs] if signature else []
    )
    outputs: list[dict[str, Any]] = []
    if signature and signature.outputs:
        single = len(signature.outputs) == 1
        outputs = [
            _tensor_metadata(spec, PREDICTION if single else f"{PREDICTION}_{index}")
            for index, spec in enumerate(signature.outputs)
        ]
    return {
        "name": model.name,
        "versions": [model.version],
        "platform": f"mlplane_{model.predictor.flavor}",
        "inputs": inputs,
        "outputs": outputs,
    }


def _split_body(body: bytes, header_length: str | None) -> tuple[Any, memoryview]:
    if header_length is None:
        json_part, binary = body, memoryview(b"")
    else:
        try:
            length = int(header_length)
        except ValueError:
            raise bad_request(f"{HEADER_LENGTH} must be an integer") from None
        if not 0 <= length <= len(body):
            raise bad_request(f"{HEADER_LENGTH} {length} is outside the {len(body)}-byte body")
        json_part, binary = body[:length], memoryview(body)[length:]
    try:
        document = json.loads(json_part)
    except ValueError as error:
        raise bad_request(f"the request is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise bad_request("the request must be a JSON object")
    return document, binary


def _shape(item: dict[str, Any], name: str) -> list[int]:
    shape = item.get("shape")
    if not isinstance(shape, list) or not all(
        isinstance(size, int) and size >= 0 for size in shape
    ):
        raise bad_request(f"input '{name}' needs a 'shape': a list of non-negative integers")
    return shape


def _json_tensor(data: Any, datatype: str, shape: list[int], name: str) -> np.ndarray[Any, Any]:
    if data is None:
        raise bad_request(f"input '{name}' has neither 'data' nor binary_data_size")
    try:
        array = np.asarray(data, dtype=numpy_dtype(datatype))
    except (TypeError, ValueError) as error:
        raise bad_request(f"input '{name}' holds data that is not {datatype}: {error}") from None
    return reshape(array.reshape(-1), shape)


def parse_inputs(document: dict[str, Any], binary: memoryview) -> dict[str, np.ndarray[Any, Any]]:
    items = document.get("inputs")
    if not isinstance(items, list) or not items:
        raise bad_request("the request needs 'inputs': a non-empty list of tensors")
    tensors: dict[str, np.ndarray[Any, Any]] = {}
    offset = 0
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise bad_request("each input needs a 'name'")
        name = item["name"]
        datatype = item.get("datatype")
        if not isinstance(datatype, str):
            raise bad_request(f"input '{name}' needs a 'datatype'")
        shape = _shape(item, name)
        size = (item.get("parameters") or {}).get("binary_data_size")
        if size is None:
            tensors[name] = _json_tensor(item.get("data"), datatype, shape, name)
            continue
        if not isinstance(size, int) or size < 0 or offset + size > len(binary):
            raise bad_request(f"input '{name}' binary_data_size {size} runs past the body")
        tensors[name] = tensor_from_bytes(binary[offset : offset + size], datatype, shape)
        offset += size
    if offset != len(binary):
        raise bad_request(f"{len(binary) - offset} bytes of binary data belong to no input")
    return tensors


def _as_column(spec: ColumnSpec, array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    # A scalar column may come as [n] or as [n, 1], as Triton clients often shape it.
    if len(spec.shape) == 1 and array.ndim == 2 and array.shape[1] == 1:
        array = array.reshape(-1)
    if spec.dtype == STRING and array.dtype == object:
        array = np.array(
            [v.decode() if isinstance(v, bytes) else v for v in array.reshape(-1)], dtype=object
        ).reshape(array.shape)
    return array


def model_inputs(signature: Signature | None, tensors: dict[str, np.ndarray[Any, Any]]) -> Any:
    """Protocol tensors as what `Predictor.predict` takes: one tensor or named columns."""
    if signature is None:
        return next(iter(tensors.values())) if len(tensors) == 1 else tensors
    if signature.is_tensor:
        if len(tensors) != 1:
            raise bad_request(f"the model takes one input tensor; got {sorted(tensors)}")
        return _as_column(signature.inputs[0], next(iter(tensors.values())))
    specs = {spec.name: spec for spec in signature.inputs}
    return {
        name: _as_column(specs[name], array) if name in specs else array
        for name, array in tensors.items()
    }


def _requested(document: dict[str, Any], outputs: Outputs) -> list[tuple[str, bool]]:
    parameters = document.get("parameters") or {}
    default_binary = bool(parameters.get("binary_data_output", False))
    asked = document.get("outputs")
    if not asked:
        return [(name, default_binary) for name in outputs]
    chosen: list[tuple[str, bool]] = []
    for item in asked:
        name = item.get("name") if isinstance(item, dict) else None
        if name not in outputs:
            raise bad_request(f"the model has no output {name!r} (it has {sorted(outputs)})")
        binary = (item.get("parameters") or {}).get("binary_data", default_binary)
        chosen.append((name, bool(binary)))
    return chosen


def infer_response(model: ServedModel, document: dict[str, Any], outputs: Outputs) -> Response:
    entries: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for name, binary in _requested(document, outputs):
        array = outputs[name]
        datatype = datatype_of(array)
        entry: dict[str, Any] = {"name": name, "datatype": datatype, "shape": list(array.shape)}
        if binary:
            raw = tensor_bytes(array, datatype)
            entry["parameters"] = {"binary_data_size": len(raw)}
            blobs.append(raw)
        else:
            entry["data"] = json_values(array)
        entries.append(entry)
    answer: dict[str, Any] = {
        "model_name": model.name,
        "model_version": model.version,
        "outputs": entries,
    }
    if "id" in document:
        answer["id"] = document["id"]
    header = json.dumps(answer, separators=(",", ":")).encode()
    if not blobs:
        return Response(header, media_type="application/json")
    return Response(
        b"".join([header, *blobs]),
        media_type="application/octet-stream",
        headers={HEADER_LENGTH: str(len(header))},
    )


def routes(gateway: Gateway) -> list[Route]:
    def protocol(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)  # type: ignore[no-any-return]
            except ProtocolError as error:
                return error.response()

        return endpoint

    async def live(_: Request) -> Response:
        return JSONResponse({"live": True})

    async def ready(_: Request) -> Response:
        return JSONResponse({"ready": True})

    async def server_metadata(request: Request) -> Response:
        await gateway.authenticate(request)
        return JSONResponse({"name": "mlplane", "version": __version__, "extensions": EXTENSIONS})

    def _target(request: Request) -> tuple[str, str | None]:
        params = request.path_params
        return params["name"], params.get("version")

    async def metadata(request: Request) -> Response:
        model, _ = await gateway.model(request, *_target(request))
        return JSONResponse(model_metadata(model))

    async def model_ready(request: Request) -> Response:
        model, _ = await gateway.model(request, *_target(request))
        # A version whose replicas were lost where they run (Ray Serve) waits for the next
        # poll to deploy it again; as the protocol says, "not ready" is a 4xx.
        ready = not getattr(model.predictor, "lost", False)
        return JSONResponse({"name": model.name, "ready": ready}, status_code=200 if ready else 400)

    async def infer(request: Request) -> Response:
        model, caller = await gateway.model(request, *_target(request))
        document, binary = _split_body(await request.body(), request.headers.get(HEADER_LENGTH))
        inputs = model_inputs(model.signature, parse_inputs(document, binary))
        outputs = await gateway.infer(model, inputs, caller, "v2")
        return infer_response(model, document, outputs)

    versioned = "/v2/models/{name}/versions/{version}"
    return [
        Route("/v2/health/live", live),
        Route("/v2/health/ready", ready),
        Route("/v2", protocol(server_metadata)),
        Route("/v2/models/{name}", protocol(metadata)),
        Route("/v2/models/{name}/ready", protocol(model_ready)),
        Route("/v2/models/{name}/infer", protocol(infer), methods=["POST"]),
        Route(versioned, protocol(metadata)),
        Route(versioned + "/ready", protocol(model_ready)),
        Route(versioned + "/infer", protocol(infer), methods=["POST"]),
    ]


__all__ = ["BYTES", "model_inputs", "model_metadata", "parse_inputs", "routes"]
