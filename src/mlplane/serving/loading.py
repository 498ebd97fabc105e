"""Converge the model table on the desired state.

New versions load beside the ones serving (on a thread: loading reads files and unpickles)
and warm up; only then is a new table swapped in, in one assignment. Versions that left the
desired state stop after the swap. A version that fails to load is reported and retried on
the next poll; it never takes the gateway or the other models down.

A loader may run models outside the gateway (`RemoteLoader`, e.g. Ray Serve): the gateway
then releases a version's remote copy when the version leaves the desired state, not when
its configuration changes (the new configuration took its place).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from mlplane.registry.packaging.predictor import Predictor
from mlplane.serving.desired import DesiredModel, DesiredSource
from mlplane.serving.table import ModelHolder, ServedModel, build_table, start_model

logger = logging.getLogger(__name__)

PredictorLoader = Callable[[DesiredModel], Predictor]
"""Turns a desired model's URI into a predictor (pluggable: local, `runs:/`, `models:/`)."""


@runtime_checkable
class RemotePredictor(Protocol):
    """A predictor calling a model that runs elsewhere, and may be lost there."""

    lost: bool


@runtime_checkable
class RemoteLoader(Protocol):
    """A loader whose models run elsewhere, and outlive the predictors it returns."""

    def __call__(self, desired: DesiredModel) -> Predictor: ...

    def release(self, name: str, version: str) -> None:
        """Stop serving the version where it runs (it left the desired state)."""
        ...

    def close(self) -> None:
        """Disconnect when the gateway stops; what runs remotely keeps running."""
        ...


class ModelLoader:
    def __init__(self, holder: ModelHolder, source: DesiredSource, load: PredictorLoader) -> None:
        self.holder = holder
        self.source = source
        self.load = load
        self._desired: dict[tuple[str, str], DesiredModel] = {}
        self.failures: dict[tuple[str, str], str] = {}

    async def sync(self) -> bool:
        """Apply the desired state once; whether the table changed."""
        wanted = {model.key: model for model in await asyncio.to_thread(self.source)}
        current = {(m.name, m.version): m for m in self.holder.table.all()}
        keep = {
            key: served
            for key, served in current.items()
            if key in wanted
            and wanted[key] == self._desired.get(key)
            and not (isinstance(served.predictor, RemotePredictor) and served.predictor.lost)
        }
        started: list[ServedModel] = []
        for key, desired in wanted.items():
            if key in keep:
                continue
            served = await self._start(desired)
            if served is not None:
                started.append(served)
            elif key in current:
                # The new configuration failed: the old one keeps serving until it loads.
                keep[key] = current[key]
        retired = [served for key, served in current.items() if key not in keep]
        # Versions that never loaded may have left something behind where they run too.
        abandoned = [key for key in self.failures if key not in wanted]
        for key in abandoned:
            del self.failures[key]
        await self._release(abandoned)
        if not started and not retired:
            return False
        self.holder.swap(build_table([*keep.values(), *started]))
        self._desired = {key: self._desired.get(key, wanted[key]) for key in keep} | {
            (m.name, m.version): wanted[(m.name, m.version)] for m in started
        }
        for served in retired:
            await served.batcher.stop()
        await self._release([served_key(m) for m in retired if served_key(m) not in wanted])
        return True

    async def _release(self, gone: list[tuple[str, str]]) -> None:
        if not isinstance(self.load, RemoteLoader):
            return
        for name, version in gone:
            try:
                await asyncio.to_thread(self.load.release, name, version)
            except Exception as error:
                logger.warning(
                    "model %s version %s could not be released: %s: %s",
                    name,
                    version,
                    type(error).__name__,
                    error,
                )

    async def _start(self, desired: DesiredModel) -> ServedModel | None:
        try:
            predictor = await asyncio.to_thread(self.load, desired)
            served = await start_model(
                desired.name,
                desired.version,
                desired.project,
                predictor,
                desired.policy,
                desired.uri,
                desired.deployment,
                desired.weight,
                desired.options,
            )
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            if self.failures.get(desired.key) != message:
                logger.warning(
                    "model %s version %s could not be served: %s",
                    desired.name,
                    desired.version,
                    message,
                )
            self.failures[desired.key] = message
            return None
        self.failures.pop(desired.key, None)
        return served

    async def stop(self) -> None:
        table = self.holder.swap(build_table([]))
        for served in table.all():
            await served.batcher.stop()
        if isinstance(self.load, RemoteLoader):
            await asyncio.to_thread(self.load.close)


def served_key(served: ServedModel) -> tuple[str, str]:
    return (served.name, served.version)
