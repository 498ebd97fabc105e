"""`@mlplane.step` and `@mlplane.pipeline`: plain functions that also describe a DAG.

Called normally, a step is its function. Called while a pipeline is being traced, it runs
nothing and returns a `StepOutput` handle; passing a handle to another step is what makes
an edge, so the graph follows the data.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")

_tracing: ContextVar[GraphBuilder | None] = ContextVar("mlplane_pipeline_tracing", default=None)


@dataclass(frozen=True)
class StepOptions:
    cache: bool = True
    retries: int = 0
    retry_delay: float = 0.0
    timeout: float | None = None
    resources: dict[str, Any] = field(default_factory=dict)


class Step(Generic[P, R]):
    """A function with step options; calling it inside a pipeline adds a node."""

    def __init__(self, function: Callable[P, R], name: str, options: StepOptions) -> None:
        self.function = function
        self.name = name
        self.options = options
        functools.update_wrapper(self, function)

    @functools.cached_property
    def code_digest(self) -> str:
        """Changes when the function's source changes, so a cached output goes stale."""
        try:
            source = inspect.getsource(self.function)
        except (OSError, TypeError):
            code = getattr(self.function, "__code__", None)
            source = repr(code.co_code + repr(code.co_consts).encode()) if code else self.name
        return hashlib.sha256(source.encode()).hexdigest()

    @property
    def reference(self) -> str:
        return f"{self.function.__module__}:{self.function.__qualname__}"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        builder = _tracing.get()
        if builder is None:
            return self.function(*args, **kwargs)
        return builder.add(self, args, kwargs, map_over=None)  # type: ignore[return-value]

    def map(self, items: Sequence[Any] | StepOutput, **kwargs: Any) -> list[R]:
        """Fan out: one call per item (the item is the first argument); returns the list."""
        builder = _tracing.get()
        if builder is None:
            return [self.function(item, **kwargs) for item in items]  # type: ignore[arg-type,call-arg]
        return builder.add(self, (), kwargs, map_over=items)  # type: ignore[return-value]


@overload
def step(function: Callable[P, R], /) -> Step[P, R]: ...


@overload
def step(
    *,
    name: str | None = None,
    cache: bool = True,
    retries: int = 0,
    retry_delay: float = 0.0,
    timeout: float | None = None,
    resources: dict[str, Any] | None = None,
) -> Callable[[Callable[P, R]], Step[P, R]]: ...


def step(
    function: Callable[P, R] | None = None,
    /,
    *,
    name: str | None = None,
    cache: bool = True,
    retries: int = 0,
    retry_delay: float = 0.0,
    timeout: float | None = None,
    resources: dict[str, Any] | None = None,
) -> Step[P, R] | Callable[[Callable[P, R]], Step[P, R]]:
    """Make a function a pipeline step: `@step` or `@step(retries=2, timeout=60, cache=False)`."""
    if retries < 0:
        raise ValueError("retries must be 0 or more")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be positive")
    options = StepOptions(cache, retries, retry_delay, timeout, dict(resources or {}))

    def wrap(inner: Callable[P, R]) -> Step[P, R]:
        return Step(inner, name or inner.__name__, options)

    return wrap(function) if function is not None else wrap


@dataclass(frozen=True)
class StepOutput:
    """The future output of a node while a pipeline is traced."""

    node: str

    def __repr__(self) -> str:
        return f"<output of step {self.node!r}>"

    def __bool__(self) -> bool:
        raise TypeError(
            f"the output of step {self.node!r} is not known while the pipeline is built; "
            "branch inside a step instead"
        )

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(
            f"the output of step {self.node!r} cannot be iterated while the pipeline is built; "
            "use step.map(output) to fan out over it"
        )


@dataclass
class Node:
    name: str
    step: Step[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    map_over: Any = None  # a list of items, a StepOutput, or None for a single call

    @property
    def upstream(self) -> list[str]:
        found: list[str] = []
        for value in (*self.args, *self.kwargs.values(), self.map_over):
            for output in _outputs_in(value):
                if output.node not in found:
                    found.append(output.node)
        return found


def _outputs_in(value: Any) -> Iterator[StepOutput]:
    if isinstance(value, StepOutput):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _outputs_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _outputs_in(item)


class GraphBuilder:
    """Collects nodes while a pipeline function runs with handles instead of values."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def add(
        self, step_: Step[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], map_over: Any
    ) -> StepOutput:
        name, count = step_.name, 1
        while name in self.nodes:
            count += 1
            name = f"{step_.name}-{count}"
        self.nodes[name] = Node(name, step_, tuple(args), dict(kwargs), map_over)
        return StepOutput(name)


@contextmanager
def tracing() -> Iterator[GraphBuilder]:
    builder = GraphBuilder()
    token = _tracing.set(builder)
    try:
        yield builder
    finally:
        _tracing.reset(token)


class Pipeline:
    """A function whose step calls form a DAG; calling it runs the DAG on the local executor."""

    def __init__(self, function: Callable[..., Any], name: str, project: str | None) -> None:
        self.function = function
        self.name = name
        self.project = project
        self.source: str | None = None
        functools.update_wrapper(self, function)

    def parameters(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The pipeline's parameters: its defaults with `overrides` applied, all checked."""
        signature = inspect.signature(self.function)
        try:
            bound = signature.bind(**(overrides or {}))
        except TypeError as error:
            raise ValueError(f"pipeline {self.name!r}: {error}") from error
        bound.apply_defaults()
        return dict(bound.arguments)

    def build(self, params: dict[str, Any]) -> tuple[dict[str, Node], Any]:
        """Trace the function: its nodes and what it returned (handles or values)."""
        with tracing() as builder:
            result = self.function(**params)
        return builder.nodes, result

    def __call__(self, **params: Any) -> Any:
        return self.run(params).raise_for_state().result

    def run(self, params: dict[str, Any] | None = None, **options: Any) -> Any:
        """Run and return the `PipelineResult` (state, run id, step states, result)."""
        from mlplane.pipelines.runner import run_pipeline

        return run_pipeline(self, params or {}, **options)

    def resume(self, run_id: str, **options: Any) -> Any:
        """Run again from the failed steps of `run_id`, reusing what succeeded."""
        from mlplane.pipelines.runner import run_pipeline

        return run_pipeline(self, None, resume_from=run_id, **options)


@overload
def pipeline(function: Callable[..., Any], /) -> Pipeline: ...


@overload
def pipeline(
    *, name: str | None = None, project: str | None = None
) -> Callable[[Callable[..., Any]], Pipeline]: ...


def pipeline(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    project: str | None = None,
) -> Pipeline | Callable[[Callable[..., Any]], Pipeline]:
    """Make a function a pipeline: `@pipeline` or `@pipeline(name="train", project="ml")`."""

    def wrap(inner: Callable[..., Any]) -> Pipeline:
        return Pipeline(inner, name or inner.__name__.lower(), project)

    return wrap(function) if function is not None else wrap
