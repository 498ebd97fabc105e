"""What a flavor is: how one kind of model is written into a folder and read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.signature import Signature, is_frame


@dataclass
class SavedFlavor:
    """What a flavor's `save` wrote, for the manifest."""

    config: dict[str, Any]
    libraries: list[str] = field(default_factory=list)
    # What the saved files declare about their inputs, used when no example is given.
    signature: Signature | None = None


class LoadedModel(Protocol):
    """A model ready to answer: takes a checked batch, returns arrays, a dict or records."""

    thread_safe: bool

    def predict(self, batch: ModelInput) -> Any: ...


class Flavor(Protocol):
    name: str

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        """Write the model's files into `directory`."""
        ...

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        """Of the model's `files`, those whose loading runs code (pickles, imported code).

        Decided from the flavor's format, never from a flag a manifest could carry.
        """
        ...

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        """The files `load` reads as checked bytes (`VerifiedFolder.read_bytes`)."""
        ...

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> LoadedModel: ...


def distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def fitted_on_frame(input_example: Any, model: Any) -> bool:
    """Whether the model expects named columns (a DataFrame) rather than a bare matrix."""
    if getattr(model, "feature_names_in_", None) is not None:
        return True
    return is_frame(input_example)
