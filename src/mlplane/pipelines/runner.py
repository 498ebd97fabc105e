"""Runs a pipeline's DAG on an executor (local or Ray) and records it on the platform.

The runner traces the pipeline into nodes, records a pipeline run, and then moves nodes
along as their inputs become ready: a node whose cache key has a stored output is a cache
hit; otherwise its function goes to the executor (executor.py): a warm local worker process
or a Ray task on a cluster. Independent nodes run in parallel; a failed node is retried as
its step allows, and when it finally fails only the nodes that depend on it are skipped,
while other branches finish.
"""

from __future__ import annotations

import base64
import heapq
import inspect
import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlplane.client.resolve import PROJECT_VARIABLE
from mlplane.pipelines.cache import cache_key
from mlplane.pipelines.dsl import Node, Pipeline, StepOutput
from mlplane.pipelines.executor import Executor, get_executor
from mlplane.pipelines.graph import check_graph
from mlplane.pipelines.reporter import Reporter
from mlplane.pipelines.resources import StepRefused
from mlplane.pipelines.schemas import (
    ExecutorKind,
    PipelineRunCreate,
    RunOptions,
    RunState,
    StepReport,
    StepSpec,
    StepState,
)
from mlplane.pipelines.serialization import decode, digest, encode, type_name
from mlplane.pipelines.workers import Completion, Task

if TYPE_CHECKING:
    from datetime import datetime

    from mlplane.pipelines.recording import RunRecorder

StepListener = Callable[[str, StepState, dict[str, Any]], None]

_task_ids = itertools.count(1)
_default_client: RunRecorder | None = None
_default_client_lock = threading.Lock()


class PipelineFailed(RuntimeError):
    def __init__(self, result: PipelineResult) -> None:
        super().__init__(f"pipeline run {result.run_id} failed: {result.error}")
        self.result = result


@dataclass
class PipelineResult:
    run_id: str
    project: str
    pipeline: str
    state: RunState
    steps: dict[str, StepState]
    result: Any = None
    error: str | None = None

    def raise_for_state(self) -> PipelineResult:
        if self.state != RunState.SUCCEEDED:
            raise PipelineFailed(self)
        return self


def default_client() -> RunRecorder:
    """One per process: the platform it resolves to, else the home's database directly."""
    global _default_client
    with _default_client_lock:
        if _default_client is None:
            from mlplane.pipelines.local_recorder import pipeline_client

            _default_client = pipeline_client()
        return _default_client


def _now() -> datetime:
    from mlplane.core.clock import utcnow

    return utcnow()


def _resolve(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, StepOutput):
        return values[value.node]
    if isinstance(value, list):
        return [_resolve(item, values) for item in value]
    if isinstance(value, tuple):
        return tuple(_resolve(item, values) for item in value)
    if isinstance(value, dict):
        return {key: _resolve(item, values) for key, item in value.items()}
    return value


def source_of(pipeline: Pipeline) -> str:
    """Where the pipeline can be loaded again: FILE.py:name, for resume and schedules."""
    if pipeline.source:
        return pipeline.source
    try:
        path = inspect.getsourcefile(pipeline.function)
    except TypeError:
        path = None
    return f"{path}:{pipeline.function.__name__}" if path else ""


def run_options_of(executor: Executor) -> RunOptions:
    """What a run records about where its steps execute."""
    address = getattr(executor, "address", None)
    if isinstance(address, str):
        return RunOptions(executor=ExecutorKind.RAY, address=address)
    return RunOptions()


def check_resources(nodes: dict[str, Node], executor: Executor) -> None:
    """Refuse, before anything is recorded, a run with a step the executor can never run."""
    for step in {node.step.name: node.step for node in nodes.values()}.values():
        if step.options.resources:
            refused = executor.refusal(step.options.resources)
            if refused is not None:
                raise StepRefused(f"step {step.name!r} {refused}")


def step_specs(nodes: dict[str, Node]) -> list[StepSpec]:
    return [
        StepSpec(
            name=node.name,
            step=node.step.name,
            function=node.step.reference,
            upstream=node.upstream,
            cache=node.step.options.cache,
            retries=node.step.options.retries,
            timeout=node.step.options.timeout,
            resources=node.step.options.resources,
            fan_out=node.map_over is not None,
        )
        for node in nodes.values()
    ]


@dataclass
class _Progress:
    """What the runner knows about one node while the run goes on."""

    node: Node
    state: StepState = StepState.PENDING
    key: str | None = None
    started_at: datetime | None = None
    attempts: dict[int, int] = field(default_factory=dict)  # item index -> attempts made
    results: list[Any] = field(default_factory=list)
    remaining: int = 0


class _Execution:
    def __init__(
        self,
        client: RunRecorder,
        project: str,
        run_id: str,
        nodes: dict[str, Node],
        executor: Executor,
        reused: dict[str, tuple[str, str]],
        on_step: StepListener | None,
    ) -> None:
        self.client, self.project, self.run_id = client, project, run_id
        self.nodes, self.executor, self.on_step = nodes, executor, on_step
        self.reused = reused  # node -> (cache key, run id) of outputs the resumed run made
        self.progress = {name: _Progress(node) for name, node in nodes.items()}
        self.children: dict[str, list[str]] = {name: [] for name in nodes}
        for name, node in nodes.items():
            for parent in node.upstream:
                self.children[parent].append(name)
        self.values: dict[str, Any] = {}
        self.digests: dict[str, str] = {}
        self.completions: queue.SimpleQueue[Completion] = queue.SimpleQueue()
        self.in_flight: dict[int, tuple[str, int]] = {}
        self.delayed: list[tuple[float, int, str, int]] = []
        self.first_error: str | None = None
        self.reporter = Reporter(client, project, run_id)
        # Warm workers outlive one run: each step is told the platform and project anew.
        self.step_environment = {**client.target.environment(), PROJECT_VARIABLE: project}
        # One question up front instead of one per step: which keys have an output at all.
        cached_steps = sorted({n.step.name for n in nodes.values() if n.step.options.cache})
        self.cached_keys = (
            client.pipelines.list_cached_keys(project, cached_steps) if cached_steps else set()
        )

    def run(self) -> None:
        try:
            self._start([name for name, node in self.nodes.items() if not node.upstream])
            while self.in_flight or self.delayed:
                wait = None
                if self.delayed:
                    wait = max(0.0, self.delayed[0][0] - time.monotonic())
                try:
                    completion = self.completions.get(timeout=wait)
                except queue.Empty:
                    completion = None
                if completion is not None:
                    self._complete(completion)
                while self.delayed and self.delayed[0][0] <= time.monotonic():
                    _, _, name, index = heapq.heappop(self.delayed)
                    self._submit(name, index)
        finally:
            self.reporter.close()

    # Moving nodes along

    def _notify(self, name: str, state: StepState, **info: Any) -> None:
        self.progress[name].state = state
        if self.on_step is not None:
            self.on_step(name, state, info)

    def _start(self, names: list[str]) -> None:
        """Nodes whose inputs are ready: reuse, take from the cache, or run."""
        to_look_up: dict[str, str] = {}
        for name in names:
            progress = self.progress[name]
            progress.key = cache_key(progress.node, self.digests)
            earlier = self.reused.get(name)
            if earlier is not None and earlier[0] == progress.key:
                output = self.client.pipelines.get_step_output(self.project, earlier[1], name)
                self._done_from_store(name, output, StepState.REUSED)
            elif progress.node.step.options.cache and progress.key in self.cached_keys:
                to_look_up[progress.key] = name
            else:
                self._run_node(name)
        if to_look_up:
            hits = self.client.pipelines.lookup_cache(self.project, list(to_look_up)).hits
            for key, name in to_look_up.items():
                if key in hits:
                    self._done_from_store(name, hits[key], StepState.CACHED)
                else:
                    self._run_node(name)

    def _done_from_store(self, name: str, output: Any, state: StepState) -> None:
        data = base64.b64decode(output.output)
        self.values[name] = decode(data, output.output_format)
        self.digests[name] = output.output_digest
        now = _now()
        self.reporter.send(
            StepReport(
                name=name,
                state=state,
                started_at=now,
                finished_at=now,
                cache_key=self.progress[name].key,
                source_run_id=output.run_id,
            )
        )
        self._notify(name, state, source_run_id=output.run_id)
        self._release_children(name)

    def _run_node(self, name: str) -> None:
        progress = self.progress[name]
        node = progress.node
        progress.started_at = _now()
        if node.map_over is None:
            progress.results, progress.remaining = [None], 1
            self._submit(name, 0)
        else:
            items = _resolve(node.map_over, self.values)
            if not isinstance(items, list | tuple):
                self._fail(name, f"TypeError: step.map needs a list, got {type(items).__name__}")
                return
            progress.results, progress.remaining = [None] * len(items), len(items)
            if not items:
                self._succeed(name)
                return
            for index in range(len(items)):
                self._submit(name, index)
        self.reporter.send(
            StepReport(name=name, state=StepState.RUNNING, started_at=progress.started_at)
        )
        self._notify(name, StepState.RUNNING)

    def _submit(self, name: str, index: int) -> None:
        progress = self.progress[name]
        node = progress.node
        progress.attempts[index] = progress.attempts.get(index, 0) + 1
        args = _resolve(node.args, self.values)
        if node.map_over is not None:
            args = (_resolve(node.map_over, self.values)[index], *args)
        task = Task(
            id=next(_task_ids),
            digest=f"{node.step.reference}:{node.step.code_digest}",
            function=node.step.function,
            args=tuple(args),
            kwargs=_resolve(node.kwargs, self.values),
            timeout=node.step.options.timeout,
            resources=node.step.options.resources,
            environment=self.step_environment,
        )
        self.in_flight[task.id] = (name, index)
        self.executor.submit(task, self.completions)

    def _complete(self, completion: Completion) -> None:
        name, index = self.in_flight.pop(completion.task_id)
        progress = self.progress[name]
        if progress.state != StepState.RUNNING:
            return  # another item of this fan-out already failed the node
        if completion.ok:
            progress.results[index] = completion.value
            progress.remaining -= 1
            if progress.remaining == 0:
                self._succeed(name)
            return
        error_type, message, trace = completion.value
        options = progress.node.step.options
        if progress.attempts[index] <= options.retries:
            due = time.monotonic() + options.retry_delay
            heapq.heappush(self.delayed, (due, completion.task_id, name, index))
            self._notify(name, StepState.RUNNING, retrying=progress.attempts[index])
            return
        self._fail(name, f"{error_type}: {message}" + (f"\n{trace}" if trace else ""))

    def _succeed(self, name: str) -> None:
        progress = self.progress[name]
        value = progress.results[0] if progress.node.map_over is None else list(progress.results)
        try:
            data, format_ = encode(value)
        except Exception as error:
            self._fail(name, f"the output cannot be stored: {type(error).__name__}: {error}")
            return
        self.values[name], self.digests[name] = value, digest(data)
        finished = _now()
        self.reporter.send(
            StepReport(
                name=name,
                state=StepState.SUCCEEDED,
                attempt=max(progress.attempts.values(), default=1),
                started_at=progress.started_at,
                finished_at=finished,
                cache_key=progress.key,
                output=base64.b64encode(data).decode(),
                output_format=format_,
                output_type=type_name(value),
            )
        )
        self._notify(
            name, StepState.SUCCEEDED, started_at=progress.started_at, finished_at=finished
        )
        self._release_children(name)

    def _fail(self, name: str, error: str) -> None:
        progress = self.progress[name]
        self.first_error = self.first_error or f"step {name!r} failed: {error.splitlines()[0]}"
        self.reporter.send(
            StepReport(
                name=name,
                state=StepState.FAILED,
                attempt=max(progress.attempts.values(), default=1),
                started_at=progress.started_at,
                finished_at=_now(),
                cache_key=progress.key,
                error=error[-20000:],
            )
        )
        self._notify(name, StepState.FAILED, error=error)
        # Tasks of this node still in flight finish unseen; nothing downstream runs.
        pending = list(self.children[name])
        while pending:
            child = pending.pop()
            if self.progress[child].state == StepState.PENDING:
                self.reporter.send(StepReport(name=child, state=StepState.SKIPPED))
                self._notify(child, StepState.SKIPPED)
                pending.extend(self.children[child])

    def _release_children(self, name: str) -> None:
        ready = [
            child
            for child in self.children[name]
            if self.progress[child].state == StepState.PENDING
            and all(parent in self.values for parent in self.nodes[child].upstream)
        ]
        if ready:
            self._start(ready)


def _default_project() -> str:
    # Imported only when needed: the SDK's project module brings the HTTP client with it.
    from mlplane.tracking.client.projects import default_project

    return default_project()


def _ensure_project(client: RunRecorder, project: str) -> None:
    from mlplane.client.errors import ApiError

    try:
        client.projects.get(project)
    except ApiError as error:
        if error.status != 404:
            raise
        try:
            client.projects.create(project)
        except ApiError as create_error:
            if create_error.status != 409:
                raise


def run_pipeline(
    pipeline: Pipeline,
    params: dict[str, Any] | None,
    *,
    project: str | None = None,
    client: RunRecorder | None = None,
    resume_from: str | None = None,
    queued_run_id: str | None = None,
    on_step: StepListener | None = None,
    executor: str | Executor | None = None,
    address: str | None = None,
) -> PipelineResult:
    """Run `pipeline` with `params` (its defaults filled in) and record it on the platform.

    `executor` is `local` (the default: warm worker processes here) or `ray` (Ray tasks on
    the cluster at `address`, else RAY_ADDRESS), or an `Executor`.
    """
    runs_on = get_executor(executor, address)
    client = client or default_client()
    project = project or pipeline.project or _default_project()
    reused: dict[str, tuple[str, str]] = {}
    if resume_from is not None:
        previous = client.pipelines.get_run(project, resume_from)
        if previous.pipeline != pipeline.name:
            raise ValueError(
                f"pipeline run {resume_from} ran {previous.pipeline!r}, not {pipeline.name!r}"
            )
        params = {**previous.params, **(params or {})}
        for step_run in previous.steps:
            if step_run.state.has_output and step_run.cache_key:
                origin = step_run.source_run_id if step_run.state == StepState.REUSED else None
                reused[step_run.name] = (step_run.cache_key, origin or resume_from)
    values = pipeline.parameters(params)
    nodes, returned = pipeline.build(values)
    check_graph(nodes)
    check_resources(nodes, runs_on)
    data = PipelineRunCreate(
        pipeline=pipeline.name,
        source=source_of(pipeline),
        params=values,
        steps=step_specs(nodes),
        resumed_from=resume_from,
        run_options=run_options_of(runs_on),
    )
    if queued_run_id is not None:
        run = client.pipelines.start_run(project, queued_run_id, data)
    else:
        try:
            run = client.pipelines.create_run(project, data)
        except Exception as error:
            from mlplane.client.errors import ApiError

            if not (isinstance(error, ApiError) and error.status == 404):
                raise
            _ensure_project(client, project)
            run = client.pipelines.create_run(project, data)
    execution = _Execution(client, project, run.id, nodes, runs_on, reused, on_step)
    try:
        execution.run()
    except BaseException as error:
        client.pipelines.finish_run(
            project, run.id, RunState.FAILED.value, f"the runner stopped: {error!r}"
        )
        raise
    succeeded = all(name in execution.values for name in nodes)
    state = RunState.SUCCEEDED if succeeded else RunState.FAILED
    error_text = None if succeeded else (execution.first_error or "some steps did not run")
    client.pipelines.finish_run(project, run.id, state.value, error_text)
    return PipelineResult(
        run_id=run.id,
        project=project,
        pipeline=pipeline.name,
        state=state,
        steps={name: progress.state for name, progress in execution.progress.items()},
        result=_resolve(returned, execution.values) if succeeded else None,
        error=error_text,
    )
