"""PyTorch models: TorchScript archives, or a whole `nn.Module` saved with `torch.save`.

A TorchScript archive is code compiled to TorchScript and loaded by torch's own
interpreter: no Python pickle of user objects runs, so it loads like a data format. An eager
`nn.Module` is a pickle of the module (its class must be importable, from the environment or
from the model's code files): loading it runs code and needs a trusted origin (trust.py).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor

SCRIPT_FILE = "model.torchscript.pt"
MODULE_FILE = "module.pt"


class TorchModel:
    # Inference under no_grad keeps no shared state between calls.
    thread_safe = True

    def __init__(self, module: Any) -> None:
        self.module = module

    def predict(self, batch: ModelInput) -> Any:
        import torch  # type: ignore[import-not-found]

        with torch.inference_mode():
            if batch.tensor is not None or batch.columns is None or len(batch.columns) == 1:
                result = self.module(torch.as_tensor(batch.matrix()))
            else:
                result = self.module(
                    **{name: torch.as_tensor(values) for name, values in batch.columns.items()}
                )
        if isinstance(result, dict):
            return {str(key): value.detach().cpu().numpy() for key, value in result.items()}
        if isinstance(result, tuple | list):
            return {
                f"output_{index}": value.detach().cpu().numpy()
                for index, value in enumerate(result)
            }
        return np.asarray(result.detach().cpu().numpy())


class PyTorchFlavor:
    name = "pytorch"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        import torch  # type: ignore[import-not-found]

        if isinstance(model, torch.jit.ScriptModule):
            torch.jit.save(model, str(directory / SCRIPT_FILE))
            config = {"format": "torchscript", "file": SCRIPT_FILE}
        else:
            torch.save(model, directory / MODULE_FILE)
            config = {
                "format": "module",
                "file": MODULE_FILE,
                "class": f"{type(model).__module__}.{type(model).__qualname__}",
            }
        return SavedFlavor(config=config, libraries=["torch"])

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return [str(config.get("file", SCRIPT_FILE))]

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        if config.get("format") == "torchscript":
            return []
        return [str(config.get("file", MODULE_FILE))]

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> TorchModel:
        import torch  # type: ignore[import-not-found]

        data = io.BytesIO(folder.read_bytes(str(config.get("file", SCRIPT_FILE))))
        if config.get("format") == "torchscript":
            module = torch.jit.load(data, map_location="cpu")  # type: ignore[no-untyped-call,unused-ignore]
        else:
            # Only after require_trust (trust.py): the pickle names the module's class.
            module = torch.load(data, map_location="cpu", weights_only=False)
        module.eval()
        return TorchModel(module)
