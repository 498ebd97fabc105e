"""Converge the model table on the desired state.

New versions load beside the ones serving (on a thread: loading reads files and unpickles)
and warm up; only then is a new table swapped in, in one assignment. Versions that left the
desired state stop after the swap. A version that fails to load is reported and retried on
the next poll; it never takes the gateway or the other models down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from mlplane.registry.packaging.predictor import Predictor
from mlplane.serving.desired import DesiredModel, DesiredSource
from mlplane.serving.table import ModelHolder, ServedModel, build_table, start_model

logger = logging.getLogger(__name__)

PredictorLoader = Callable[[DesiredModel], Predictor]
"""Turns a desired model's URI into a predictor (pluggable: local, `runs:/`, `models:/`)."""


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
            if key in wanted and wanted[key] == self._desired.get(key)
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
        if not started and not retired:
            return False
        self.holder.swap(build_table([*keep.values(), *started]))
        self._desired = {key: self._desired.get(key, wanted[key]) for key in keep} | {
            (m.name, m.version): wanted[(m.name, m.version)] for m in started
        }
        for served in retired:
            await served.batcher.stop()
        return True

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
