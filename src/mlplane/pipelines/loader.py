"""Loading a pipeline from where it lives: `FILE.py:name`, `package.module:name`, `FILE.yaml`."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from mlplane.pipelines.dsl import Pipeline, Step, StepOptions
from mlplane.pipelines.graph import InvalidPipeline


def load_object(target: str, relative_to: Path | None = None) -> Any:
    """The object named by `FILE.py:attr` or `module:attr`."""
    location, separator, attribute = target.rpartition(":")
    if not separator or not location or not attribute:
        raise InvalidPipeline(f"{target!r} must be FILE.py:name or module:name")
    if location.endswith(".py"):
        module = _load_file(Path(location) if relative_to is None else relative_to / location)
    else:
        try:
            module = importlib.import_module(location)
        except ImportError as error:
            raise InvalidPipeline(f"cannot import {location!r}: {error}") from error
    try:
        found = module
        for part in attribute.split("."):
            found = getattr(found, part)
    except AttributeError as error:
        raise InvalidPipeline(f"{location!r} has no {attribute!r}") from error
    return found


def _load_file(path: Path) -> Any:
    path = path.resolve()
    if not path.is_file():
        raise InvalidPipeline(f"{path} does not exist")
    name = "mlplane_pipeline_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InvalidPipeline(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # Sibling modules of the file import as they would when it runs as a script.
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    import cloudpickle  # type: ignore[import-untyped]

    # The module is importable only here, so workers get its functions by value.
    cloudpickle.register_pickle_by_value(module)
    return module


def load_pipeline(source: str) -> Pipeline:
    if source.endswith((".yaml", ".yml")):
        from mlplane.pipelines.yaml_spec import load_yaml_pipeline

        pipeline: Pipeline = load_yaml_pipeline(Path(source))
    else:
        found = load_object(source)
        if not isinstance(found, Pipeline):
            raise InvalidPipeline(f"{source!r} is not a pipeline (decorate it with @pipeline)")
        pipeline = found
        location, _, attribute = source.rpartition(":")
        if location.endswith(".py"):
            source = f"{Path(location).resolve()}:{attribute}"
    pipeline.source = source
    return pipeline


def as_step(target: Any, name: str, options: StepOptions) -> Step[..., Any]:
    if isinstance(target, Step):
        return target
    if not callable(target):
        raise InvalidPipeline(f"step {name!r}: {target!r} is not a function")
    return Step(target, name, options)
