"""Generic Python models: any object with `predict(inputs)`, plus the code files it needs.

Two ways to be saved:

- "class": the object has `save(directory)` and its class a `load(directory)` classmethod
  (or staticmethod). Its state goes to `artifacts/` through `save`; loading imports the class
  (from the model's code files or the environment) and calls `load`, which must read what it
  needs there and then (a downloaded folder is removed once loaded). No pickle is involved.
- "pickle": any other object is pickled (with cloudpickle when installed, so classes defined
  in a script travel by value).

Either way loading runs the model's own code, so it needs a trusted origin (trust.py).
Code files are copied into `code/`; on load their checked bytes are written to a fresh
folder that goes first on `sys.path`. `predict` receives a DataFrame, a dict of arrays or an
array, as the input example was at save time. Unless the object sets `thread_safe = True`,
calls are serialized.

MLflow pyfunc folders imported with `import_mlflow_model` load through this flavor too
(format "mlflow", by `mlflow.pyfunc.load_model`, which needs mlflow installed).
"""

from __future__ import annotations

import atexit
import importlib
import pickle
import shutil
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor
from mlplane.registry.packaging.signature import is_frame

PICKLE_FILE = "python_model.pkl"
ARTIFACTS_FOLDER = "artifacts"
CODE_FOLDER = "code"
MLFLOW_FOLDER = "mlflow"

_path_lock = threading.Lock()


class PythonModel:
    def __init__(self, instance: Any, input_kind: str, call: Any = None) -> None:
        self.instance = instance
        self.input_kind = input_kind
        self.thread_safe = bool(getattr(instance, "thread_safe", False))
        self._call = call or instance.predict

    def predict(self, batch: ModelInput) -> Any:
        if self.input_kind == "frame":
            return self._call(batch.frame())
        if self.input_kind == "dict" and batch.columns is not None:
            return self._call(dict(batch.columns))
        return self._call(batch.matrix() if batch.columns is not None else batch.tensor)


def copy_code(code_paths: Sequence[str | Path], directory: Path) -> None:
    target = directory / CODE_FOLDER
    for source in map(Path, code_paths):
        if source.is_dir():
            shutil.copytree(
                source, target / source.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / source.name)
        else:
            raise InvalidInput(f"code path {str(source)!r} does not exist", field="code_paths")


def input_kind_of(example: Any) -> str:
    if is_frame(example):
        return "frame"
    if isinstance(example, dict):
        return "dict"
    return "array"


def _class_path(instance: Any) -> str | None:
    cls = type(instance)
    if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
        return None
    if callable(getattr(instance, "save", None)) and callable(getattr(cls, "load", None)):
        return f"{cls.__module__}:{cls.__qualname__}"
    return None


def _import_class(path: str) -> Any:
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _put_code_on_path(folder: VerifiedFolder, code_files: list[str]) -> None:
    if not code_files:
        return
    # The checked bytes, not the files on disk: nothing can change between check and import.
    root = Path(tempfile.mkdtemp(prefix="mlplane-model-code-"))
    atexit.register(shutil.rmtree, root, True)
    for name in code_files:
        target = root / Path(name).relative_to(CODE_FOLDER)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(folder.read_bytes(name))
    with _path_lock:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()


class PythonFlavor:
    name = "python"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        if not callable(getattr(model, "predict", None)):
            raise InvalidInput("a generic Python model needs a predict(inputs) method")
        config: dict[str, Any] = {"input_kind": input_kind_of(input_example)}
        class_path = _class_path(model)
        libraries = []
        if class_path is not None:
            (directory / ARTIFACTS_FOLDER).mkdir()
            model.save(directory / ARTIFACTS_FOLDER)
            config.update(format="class", loader=class_path)
        else:
            try:
                import cloudpickle  # type: ignore[import-untyped]

                data = cloudpickle.dumps(model)
                libraries.append("cloudpickle")
            except ImportError:
                data = pickle.dumps(model)
            (directory / PICKLE_FILE).write_bytes(data)
            config.update(format="pickle", file=PICKLE_FILE)
        return SavedFlavor(config=config, libraries=libraries)

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        held = [name for name in files if name.startswith(f"{CODE_FOLDER}/")]
        if config.get("format") == "pickle":
            held.append(str(config.get("file", PICKLE_FILE)))
        return held

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        # Every format imports or unpickles the model's own code.
        return files

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> PythonModel:
        files = [entry.path for entry in folder.manifest.files]
        _put_code_on_path(folder, [name for name in files if name.startswith(f"{CODE_FOLDER}/")])
        kind = str(config.get("input_kind", "array"))
        model_format = config.get("format")
        if model_format == "class":
            cls = _import_class(str(config["loader"]))
            return PythonModel(cls.load(folder.path(ARTIFACTS_FOLDER)), kind)
        if model_format == "pickle":
            data = folder.read_bytes(str(config.get("file", PICKLE_FILE)))
            return PythonModel(pickle.loads(data), kind)
        if model_format == "mlflow":
            import mlflow.pyfunc

            loaded = mlflow.pyfunc.load_model(str(folder.path(MLFLOW_FOLDER)))
            return PythonModel(loaded, kind)
        raise InvalidInput(f"unknown generic Python model format {model_format!r}")
