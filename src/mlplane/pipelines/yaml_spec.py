"""Pipelines written as YAML: the same DAG as `@pipeline`, with references for the data.

    name: churn
    params: {rows: 1000}
    steps:
      ingest: {function: steps.py:ingest, args: {rows: "${params.rows}"}}
      score:  {function: steps.py:score, map: "${steps.ingest}", retries: 2}
      report: {function: steps.py:report, args: {scores: "${steps.score}"}, cache: false}

`${steps.X}` is the output of step X, `${params.P}` a parameter; functions are
`FILE.py:name` (relative to the YAML file) or `module:name`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mlplane.pipelines.dsl import Node, Pipeline, StepOptions, StepOutput
from mlplane.pipelines.graph import InvalidPipeline
from mlplane.pipelines.loader import as_step, load_object

REFERENCE = re.compile(r"^\$\{(steps|params)\.([A-Za-z0-9_.-]+)\}$")
STEP_FIELDS = {"function", "args", "map", "cache", "retries", "retry_delay", "timeout", "resources"}


class YamlPipeline(Pipeline):
    def __init__(self, spec: dict[str, Any], folder: Path) -> None:
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidPipeline("the YAML pipeline needs a name")
        steps = spec.get("steps")
        if not isinstance(steps, dict) or not steps:
            raise InvalidPipeline("the YAML pipeline needs steps: a mapping of name to step")
        defaults = spec.get("params") or {}
        if not isinstance(defaults, dict):
            raise InvalidPipeline("params must be a mapping")
        super().__init__(lambda: None, name, spec.get("project"))
        self.defaults = defaults
        self.steps = steps
        self.folder = folder

    def parameters(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        unknown = set(overrides or {}) - set(self.defaults)
        if unknown:
            raise ValueError(f"pipeline {self.name!r} has no parameter {sorted(unknown)[0]!r}")
        return {**self.defaults, **(overrides or {})}

    def build(self, params: dict[str, Any]) -> tuple[dict[str, Node], Any]:
        nodes: dict[str, Node] = {}
        for name, body in self.steps.items():
            if not isinstance(body, dict) or "function" not in body:
                raise InvalidPipeline(f"step {name!r} needs a function")
            extra = set(body) - STEP_FIELDS
            if extra:
                raise InvalidPipeline(f"step {name!r} has an unknown field {sorted(extra)[0]!r}")
            options = StepOptions(
                cache=bool(body.get("cache", True)),
                retries=int(body.get("retries", 0)),
                retry_delay=float(body.get("retry_delay", 0.0)),
                timeout=float(body["timeout"]) if body.get("timeout") is not None else None,
                resources=dict(body.get("resources") or {}),
            )
            target = load_object(str(body["function"]), self.folder)
            if isinstance(target, Pipeline):
                raise InvalidPipeline(f"step {name!r}: a pipeline is not a step")
            step = as_step(target, str(name), options)
            args = body.get("args") or {}
            if not isinstance(args, dict):
                raise InvalidPipeline(f"step {name!r}: args must be a mapping")
            kwargs = {key: _reference(value, params) for key, value in args.items()}
            map_over = _reference(body["map"], params) if "map" in body else None
            nodes[str(name)] = Node(str(name), step, (), kwargs, map_over)
        sinks = [name for name in nodes if not any(name in n.upstream for n in nodes.values())]
        return nodes, {name: StepOutput(name) for name in sinks}


def _reference(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str):
        match = REFERENCE.match(value)
        if match is None:
            return value
        kind, name = match.groups()
        if kind == "steps":
            return StepOutput(name)
        if name not in params:
            raise InvalidPipeline(f"{value!r} names a parameter the pipeline does not have")
        return params[name]
    if isinstance(value, list):
        return [_reference(item, params) for item in value]
    if isinstance(value, dict):
        return {key: _reference(item, params) for key, item in value.items()}
    return value


def load_yaml_pipeline(path: Path) -> YamlPipeline:
    import yaml

    try:
        spec = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise InvalidPipeline(f"cannot read {path}: {error}") from error
    if not isinstance(spec, dict):
        raise InvalidPipeline(f"{path} must hold a mapping")
    return YamlPipeline(spec, path.resolve().parent)
