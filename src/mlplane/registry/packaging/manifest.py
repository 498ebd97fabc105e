"""The manifest that makes a model folder self-describing: `mlplane-model.json`.

It names the flavor (which code loads the files), the library versions the model was saved
with, its signature, the Python requirements to serve it, every file with its SHA-256 and
size, the flavor's own settings, free metadata, and (for models saved on a platform home)
an HMAC that vouches for all of it (see `trust.py`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from mlplane.core.errors import InvalidInput, NotFound
from mlplane.registry.packaging.signature import Signature

MANIFEST_FILE = "mlplane-model.json"
FORMAT_VERSION = 1


class ModelFile(BaseModel):
    path: str = Field(description="Relative to the model folder, with '/' separators.")
    sha256: str
    size: int


class Origin(BaseModel):
    """Who vouches for the manifest: the id of a home's signing key and the HMAC it gave."""

    key_id: str
    hmac: str


class ModelManifest(BaseModel):
    format_version: int = FORMAT_VERSION
    flavor: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    mlplane_version: str = ""
    python_version: str = ""
    library_versions: dict[str, str] = Field(default_factory=dict)
    signature: Signature | None = None
    requirements: list[str] = Field(default_factory=list)
    files: list[ModelFile] = Field(default_factory=list)
    flavor_config: dict[str, Any] = Field(
        default_factory=dict, description="What the flavor needs to load the files."
    )
    metadata: dict[str, Any] = Field(default_factory=dict)
    origin: Origin | None = None

    def file(self, path: str) -> ModelFile:
        for entry in self.files:
            if entry.path == path:
                return entry
        raise InvalidInput(f"the model manifest lists no file {path!r}", file=path)


def signed_content(document: dict[str, Any]) -> bytes:
    """The bytes an origin HMAC covers: the manifest without its origin, canonically."""
    content = {key: value for key, value in document.items() if key != "origin"}
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def manifest_document(manifest: ModelManifest) -> dict[str, Any]:
    document: dict[str, Any] = manifest.model_dump(mode="json")
    return document


def write_manifest(directory: Path, document: dict[str, Any]) -> None:
    (directory / MANIFEST_FILE).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def read_manifest_document(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST_FILE
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError as error:
        raise NotFound(f"{directory} is not a model folder: it has no {MANIFEST_FILE}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{MANIFEST_FILE} is not valid JSON: {error}", file=MANIFEST_FILE
        ) from error
    if not isinstance(document, dict):
        raise InvalidInput(f"{MANIFEST_FILE} must hold a JSON object", file=MANIFEST_FILE)
    return document


def parse_manifest(document: dict[str, Any]) -> ModelManifest:
    try:
        manifest = ModelManifest.model_validate(document)
    except ValidationError as error:
        raise InvalidInput(f"{MANIFEST_FILE} is malformed: {error}", file=MANIFEST_FILE) from error
    if manifest.format_version > FORMAT_VERSION:
        raise InvalidInput(
            f"{MANIFEST_FILE} has format version {manifest.format_version}; this mlplane "
            f"reads up to {FORMAT_VERSION}",
            file=MANIFEST_FILE,
        )
    return manifest


def read_manifest(directory: Path) -> ModelManifest:
    """The manifest of a model folder (its files are not checked here; `load_model` does)."""
    return parse_manifest(read_manifest_document(Path(directory)))
