from __future__ import annotations

import pytest

from mlplane.pipelines.dsl import StepOutput
from mlplane.pipelines.graph import InvalidPipeline, check_graph
from tests.pipelines import steps


def test_build_infers_edges_from_data() -> None:
    nodes, returned = steps.branches.build(steps.branches.parameters())
    assert list(nodes) == ["numbers", "scale", "total", "scale-2", "total-2"]
    assert nodes["scale"].upstream == ["numbers"]
    assert nodes["total-2"].upstream == ["scale-2"]
    assert returned == {"doubled": StepOutput("total"), "scaled": StepOutput("total-2")}
    assert check_graph(nodes).index("numbers") < check_graph(nodes).index("scale-2")


def test_call_step_outside_pipeline_runs_function() -> None:
    assert steps.total([1, 2, 3]) == 6
    assert steps.square.map([1, 2]) == [1, 4]


def test_parameters_reject_unknown_names() -> None:
    with pytest.raises(ValueError, match="unexpected keyword"):
        steps.fan_out.parameters({"nope": 1})


def test_output_handle_refuses_branching_while_built() -> None:
    def body() -> None:
        if steps.numbers(3):
            pass

    from mlplane.pipelines.dsl import Pipeline

    with pytest.raises(TypeError, match="branch inside a step"):
        Pipeline(body, "bad", None).build({})


def test_check_graph_rejects_empty_pipeline() -> None:
    with pytest.raises(InvalidPipeline, match="no steps"):
        check_graph({})
