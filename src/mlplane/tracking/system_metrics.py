"""CPU, memory, disk, network and GPU usage of the machine a run trains on.

Sampled by a background thread every `interval` seconds and logged as `system/...` metrics
(MLflow's names), the sample number as the step. psutil measures the machine; NVIDIA GPUs
are read through pynvml when it is installed.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("mlplane.tracking")

MEGABYTE = 1024 * 1024


def _psutil() -> Any:
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


def _nvml() -> Any:
    try:
        nvml = importlib.import_module("pynvml")
        nvml.nvmlInit()
    except Exception:  # no library, no driver or no GPU: nothing to sample
        return None
    return nvml


class SystemSampler:
    """Reads one sample of every system metric available on this machine."""

    def __init__(self) -> None:
        self._psutil = _psutil()
        self._nvml = _nvml()
        self._network_start: Any = None
        if self._psutil is not None:
            self._psutil.cpu_percent(interval=None)  # the first reading only starts the clock
            self._network_start = self._psutil.net_io_counters()

    def sample(self) -> dict[str, float]:
        values: dict[str, float] = {}
        if self._psutil is not None:
            values.update(self._host())
        if self._nvml is not None:
            values.update(self._gpus())
        return values

    def _host(self) -> dict[str, float]:
        ps = self._psutil
        memory = ps.virtual_memory()
        disk = ps.disk_usage("/")
        network = ps.net_io_counters()
        return {
            "system/cpu_utilization_percentage": float(ps.cpu_percent(interval=None)),
            "system/system_memory_usage_megabytes": memory.used / MEGABYTE,
            "system/system_memory_usage_percentage": float(memory.percent),
            "system/disk_usage_megabytes": disk.used / MEGABYTE,
            "system/disk_usage_percentage": float(disk.percent),
            "system/disk_available_megabytes": disk.free / MEGABYTE,
            "system/network_receive_megabytes": (
                network.bytes_recv - self._network_start.bytes_recv
            )
            / MEGABYTE,
            "system/network_transmit_megabytes": (
                network.bytes_sent - self._network_start.bytes_sent
            )
            / MEGABYTE,
        }

    def _gpus(self) -> dict[str, float]:
        nvml = self._nvml
        values: dict[str, float] = {}
        try:
            for index in range(nvml.nvmlDeviceGetCount()):
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                memory = nvml.nvmlDeviceGetMemoryInfo(handle)
                rates = nvml.nvmlDeviceGetUtilizationRates(handle)
                prefix = f"system/gpu_{index}"
                values[f"{prefix}_utilization_percentage"] = float(rates.gpu)
                values[f"{prefix}_memory_usage_megabytes"] = memory.used / MEGABYTE
                values[f"{prefix}_memory_usage_percentage"] = 100.0 * memory.used / memory.total
        except Exception:
            logger.debug("reading GPU metrics failed", exc_info=True)
        return values


class SystemMetricsMonitor:
    def __init__(
        self,
        log: Callable[[dict[str, float], int], None],
        interval: float = 10.0,
        sampler: SystemSampler | None = None,
    ) -> None:
        self._log = log
        self._interval = interval
        self._sampler = sampler or SystemSampler()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="mlplane-system-metrics", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        step = 0
        while not self._stop.wait(self._interval):
            try:
                self._log(self._sampler.sample(), step)
            except Exception:
                logger.warning("logging system metrics failed", exc_info=True)
            step += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._interval + 5)
