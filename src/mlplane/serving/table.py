"""The model table: which model versions the gateway serves right now.

The table is an immutable snapshot swapped in one assignment, so a request sees either the
old set of versions or the new one, never half of each. A version is added to the table only
after it loaded and answered its warm-up, so everything in it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlplane.registry.packaging.batch import ModelInput, check_inputs
from mlplane.registry.packaging.predictor import Predictor
from mlplane.registry.packaging.signature import BYTES, STRING, ColumnSpec, Signature
from mlplane.serving.batching import Batcher, BatchingPolicy, ModelCall, Outputs
from mlplane.serving.desired import CallOptions


class VersionRetired(Exception):
    """The version left the table after a call was routed to it: route the call again."""


class DrainingBatcher(Batcher):
    """A version's batcher that, when stopped, first answers the calls it accepted.

    Versions are retired right after a new table is swapped in (a rollout step, a rollback),
    while calls routed by the old table may still be on their way to them. Those already
    accepted are answered; one arriving after the stop is refused with `VersionRetired`, so
    the gateway routes it by the new table instead of leaving it waiting.
    """

    def __init__(self, model: str, version: str, call: ModelCall, policy: BatchingPolicy) -> None:
        super().__init__(model, version, call, policy)
        self._accepted = 0
        self._retiring = False
        self._drained = asyncio.Event()

    async def submit(self, batch: ModelInput) -> Outputs:
        if self._retiring:
            raise VersionRetired(f"model {self.model!r} version {self.version!r} was retired")
        self._accepted += 1
        try:
            return await super().submit(batch)
        finally:
            self._accepted -= 1
            if self._accepted == 0:
                self._drained.set()

    async def stop(self) -> None:
        self._retiring = True
        if self._accepted:
            self._drained.clear()
            # A hung model must not hold the retirement up longer than its own calls wait.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), self.policy.timeout_s)
        await super().stop()


@dataclass
class ServedModel:
    name: str
    version: str
    project: str
    predictor: Predictor
    batcher: Batcher
    uri: str = ""
    deployment: str | None = None
    weight: int = 100
    options: CallOptions = field(default_factory=CallOptions)

    @property
    def signature(self) -> Signature | None:
        return self.predictor.signature

    def check(self, inputs: Any) -> ModelInput:
        """Inputs checked against the signature (a `SignatureError` names the column)."""
        batch, _ = check_inputs(self.signature, inputs)
        return batch

    async def predict(self, inputs: Any) -> Outputs:
        return await self.batcher.submit(self.check(inputs))


def _example_column(spec: ColumnSpec) -> np.ndarray[Any, Any]:
    shape = [1 if size < 0 else size for size in spec.shape]
    if spec.dtype == STRING:
        return np.full(shape, "", dtype=object)
    if spec.dtype == BYTES:
        return np.full(shape, b"", dtype=object)
    return np.zeros(shape, dtype=np.dtype(spec.dtype))


def warmup_example(signature: Signature | None) -> Any:
    """One row built from the signature, to call the model once before it takes traffic."""
    if signature is None:
        return None
    if signature.is_tensor:
        return _example_column(signature.inputs[0])
    return {spec.name: _example_column(spec) for spec in signature.inputs}


async def start_model(
    name: str,
    version: str,
    project: str,
    predictor: Predictor,
    policy: BatchingPolicy,
    uri: str = "",
    deployment: str | None = None,
    weight: int = 100,
    options: CallOptions | None = None,
) -> ServedModel:
    """Start a version's batcher and warm it up; it raises if the model cannot answer."""
    batcher = DrainingBatcher(name, version, predictor.predict, policy)
    batcher.start()
    example = warmup_example(predictor.signature)
    if example is not None:
        try:
            await batcher.run_direct(example)
        except BaseException:
            await batcher.stop()
            raise
    return ServedModel(
        name,
        version,
        project,
        predictor,
        batcher,
        uri,
        deployment,
        weight,
        options or CallOptions(),
    )


@dataclass(frozen=True)
class ModelTable:
    """Versions by model name, and which version answers a request that names none.

    A name whose versions come from a deployment splits such requests by the versions'
    weights (a canary at 10 gets a tenth of them); otherwise the newest version answers.
    A name's shadow version answers no caller: it gets copies of their calls.
    """

    versions: Mapping[str, Mapping[str, ServedModel]] = field(default_factory=dict)
    latest: Mapping[str, str] = field(default_factory=dict)
    splits: Mapping[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    shadows: Mapping[str, ServedModel] = field(default_factory=dict)

    def find(self, name: str, version: str | None = None) -> ServedModel | None:
        versions = self.versions.get(name)
        if not versions:
            return None
        if version is None:
            split = self.splits.get(name)
            if split is not None:
                version = random.choices(split[0], weights=split[1])[0]
            else:
                version = self.latest[name]
        return versions.get(version)

    def shadow(self, name: str) -> ServedModel | None:
        """The version that gets copies of the calls to `name`, if any."""
        return self.shadows.get(name)

    def names(self) -> list[str]:
        return sorted(self.versions)

    def all(self) -> list[ServedModel]:
        return [model for versions in self.versions.values() for model in versions.values()]


def build_table(models: list[ServedModel]) -> ModelTable:
    versions: dict[str, dict[str, ServedModel]] = {}
    for model in models:
        versions.setdefault(model.name, {})[model.version] = model
    latest = {name: max(found, key=_version_order) for name, found in versions.items()}
    splits: dict[str, tuple[list[str], list[int]]] = {}
    shadows: dict[str, ServedModel] = {}
    for name, found in versions.items():
        weighted = [m for m in found.values() if m.deployment is not None and m.weight > 0]
        if weighted:
            splits[name] = ([m.version for m in weighted], [m.weight for m in weighted])
        mirrored = [m for m in found.values() if m.options.mirror_percent > 0 and m.weight == 0]
        if mirrored:
            shadows[name] = max(mirrored, key=lambda m: _version_order(m.version))
    return ModelTable(versions, latest, splits, shadows)


def _version_order(version: str) -> tuple[int, int, str]:
    return (1, int(version), "") if version.isdigit() else (0, 0, version)


class ModelHolder:
    """The table the gateway reads; `swap` replaces it atomically."""

    def __init__(self, table: ModelTable | None = None) -> None:
        self.table = table or ModelTable()

    def swap(self, table: ModelTable) -> ModelTable:
        previous, self.table = self.table, table
        return previous
