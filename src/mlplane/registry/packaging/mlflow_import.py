"""`import_mlflow_model`: turn an MLflow model folder (`MLmodel`) into an mlplane one.

The sklearn flavor (skops, pickle or cloudpickle), the ONNX flavor, and any other pyfunc model
(kept whole under `mlflow/` and loaded by `mlflow.pyfunc.load_model`) are imported. The
MLflow signature becomes the mlplane signature. An imported model is not signed by this
home unless `trust=True`: its pickles came from elsewhere, so loading them otherwise needs
the pickle opt-in (trust.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.registry.packaging.flavors.base import distribution_version
from mlplane.registry.packaging.flavors.python import CODE_FOLDER, MLFLOW_FOLDER
from mlplane.registry.packaging.manifest import ModelManifest
from mlplane.registry.packaging.save import seal
from mlplane.registry.packaging.signature import BYTES, STRING, ColumnSpec, Signature

MLMODEL_FILE = "MLmodel"
SKLEARN_FILE = "model.pkl"
SKOPS_FILE = "model.skops"
ONNX_FILE = "model.onnx"

# MLflow's column types as numpy dtype names.
_MLFLOW_TYPES = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "boolean": "bool",
    "string": STRING,
    "binary": BYTES,
    "datetime": "datetime64[ns]",
}


def _read_mlmodel(directory: Path) -> dict[str, Any]:
    import yaml

    try:
        text = (directory / MLMODEL_FILE).read_text()
    except FileNotFoundError as error:
        raise NotFound(f"{directory} is not an MLflow model folder: no {MLMODEL_FILE}") from error
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("flavors"), dict):
        raise InvalidInput(f"{MLMODEL_FILE} has no flavors", file=MLMODEL_FILE)
    return document


def _spec(item: dict[str, Any]) -> ColumnSpec:
    if item.get("type") == "tensor":
        tensor = item.get("tensor-spec", {})
        return ColumnSpec(
            name=item.get("name"),
            dtype=str(tensor.get("dtype", "float64")),
            shape=[int(size) for size in tensor.get("shape", [-1])],
        )
    mlflow_type = str(item.get("type"))
    if mlflow_type not in _MLFLOW_TYPES:
        raise InvalidInput(
            f"MLflow column type {mlflow_type!r} is not supported", file=MLMODEL_FILE
        )
    return ColumnSpec(name=item.get("name"), dtype=_MLFLOW_TYPES[mlflow_type], shape=[-1])


def _specs(text: Any) -> list[ColumnSpec] | None:
    if not text:
        return None
    items = json.loads(text) if isinstance(text, str) else text
    return [_spec(item) for item in items]


def convert_signature(mlmodel: dict[str, Any]) -> Signature | None:
    signature = mlmodel.get("signature")
    if not isinstance(signature, dict):
        return None
    inputs = _specs(signature.get("inputs"))
    if inputs is None:
        return None
    return Signature(inputs=inputs, outputs=_specs(signature.get("outputs")))


def _copy_code(source: Path, code: Any, dest: Path) -> None:
    if isinstance(code, str) and (source / code).is_dir():
        shutil.copytree(
            source / code, dest / CODE_FOLDER, ignore=shutil.ignore_patterns("__pycache__")
        )


def _import_files(
    source: Path, dest: Path, flavors: dict[str, Any], signature: Signature | None
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """Copy the files of the flavor to import; returns (flavor, its config, versions)."""
    columns = signature is not None and not signature.is_tensor
    if "sklearn" in flavors:
        info = flavors["sklearn"]
        serialization = info.get("serialization_format", "cloudpickle")
        if serialization not in ("pickle", "cloudpickle", "skops"):
            raise InvalidInput(
                f"MLflow sklearn serialization {serialization!r} is not supported "
                "(skops, pickle and cloudpickle are)",
                file=MLMODEL_FILE,
            )
        skops = serialization == "skops"
        file = SKOPS_FILE if skops else SKLEARN_FILE
        shutil.copyfile(source / info["pickled_model"], dest / file)
        _copy_code(source, info.get("code"), dest)
        config: dict[str, Any] = {
            "file": file,
            "format": "skops" if skops else "pickle",
            "takes_frame": columns,
            "method": "predict",
        }
        if skops:
            config["trusted_types"] = list(info.get("skops_trusted_types") or [])
        return "sklearn", config, {"scikit-learn": str(info.get("sklearn_version", ""))}
    if "onnx" in flavors:
        info = flavors["onnx"]
        shutil.copyfile(source / info["data"], dest / ONNX_FILE)
        return "onnx", {"file": ONNX_FILE}, {"onnx": str(info.get("onnx_version", ""))}
    if "python_function" in flavors:
        shutil.copytree(source, dest / MLFLOW_FOLDER)
        config = {"format": "mlflow", "input_kind": "frame" if columns else "array"}
        return "python", config, {}
    raise InvalidInput(
        f"cannot import an MLflow model with the flavors {sorted(flavors)} "
        "(sklearn, onnx and python_function are supported)",
        file=MLMODEL_FILE,
    )


def _requirements(source: Path) -> list[str]:
    path = source / "requirements.txt"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def import_mlflow_model(
    mlflow_dir: str | os.PathLike[str], dest: str | os.PathLike[str], *, trust: bool = False
) -> ModelManifest:
    """Write an mlplane model folder at `dest` from the MLflow model folder `mlflow_dir`.

    `trust=True` signs the result with this home's key, vouching for the MLflow folder's
    origin so that its pickles load without `allow_pickle`.
    """
    source = Path(mlflow_dir)
    target = Path(dest)
    mlmodel = _read_mlmodel(source)
    if target.exists() and any(target.iterdir()):
        raise Conflict(f"{target} already exists and is not empty", field="dest")
    target.mkdir(parents=True, exist_ok=True)
    signature = convert_signature(mlmodel)
    try:
        flavor, config, versions = _import_files(source, target, mlmodel["flavors"], signature)
        python_function = mlmodel["flavors"].get("python_function", {})
        manifest = ModelManifest(
            flavor=flavor,
            mlplane_version=distribution_version("mlplane") or "",
            python_version=str(python_function.get("python_version", "")),
            library_versions={
                name: version
                for name, version in {
                    **versions,
                    "mlflow": str(mlmodel.get("mlflow_version", "")),
                }.items()
                if version
            },
            signature=signature,
            requirements=_requirements(source),
            flavor_config=config,
            metadata={
                "imported_from": "mlflow",
                "mlflow_run_id": mlmodel.get("run_id"),
                "mlflow_model_uuid": mlmodel.get("model_uuid"),
            },
        )
        return seal(target, manifest, signed=trust)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
