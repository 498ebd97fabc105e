from __future__ import annotations

from pathlib import Path

import pytest

from mlplane.pipelines.graph import InvalidPipeline, check_graph
from mlplane.pipelines.loader import load_pipeline

STEPS = "tests.pipelines.steps"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    return str(path)


def test_load_yaml_pipeline_builds_dag(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        f"""
name: yaml-fan-out
params: {{count: 3}}
steps:
  numbers: {{function: "{STEPS}:numbers", args: {{count: "${{params.count}}"}}}}
  square: {{function: "{STEPS}:square", map: "${{steps.numbers}}", retries: 2}}
  total: {{function: "{STEPS}:total", args: {{values: "${{steps.square}}"}}}}
""",
    )
    pipeline = load_pipeline(source)
    nodes, _ = pipeline.build(pipeline.parameters({"count": 5}))
    assert check_graph(nodes) == ["numbers", "square", "total"]
    assert nodes["numbers"].kwargs == {"count": 5}
    assert nodes["square"].step.options.retries == 0  # a decorated step keeps its own options


def test_reject_cyclic_yaml_pipeline_with_reason(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        f"""
name: cyclic
steps:
  a: {{function: "{STEPS}:total", args: {{values: "${{steps.b}}"}}}}
  b: {{function: "{STEPS}:total", args: {{values: "${{steps.a}}"}}}}
""",
    )
    pipeline = load_pipeline(source)
    nodes, _ = pipeline.build(pipeline.parameters())
    with pytest.raises(InvalidPipeline, match=r"cycle: a -> b -> a"):
        check_graph(nodes)


def test_reject_yaml_pipeline_with_missing_step(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        f"""
name: missing
steps:
  a: {{function: "{STEPS}:total", args: {{values: "${{steps.ghost}}"}}}}
""",
    )
    pipeline = load_pipeline(source)
    nodes, _ = pipeline.build(pipeline.parameters())
    with pytest.raises(InvalidPipeline, match="'ghost', which is not a step"):
        check_graph(nodes)


def test_load_pipeline_rejects_non_pipeline(tmp_path: Path) -> None:
    with pytest.raises(InvalidPipeline, match="not a pipeline"):
        load_pipeline(f"{STEPS}:total")
