"""`save_model`: write a model into a self-describing, checksummed, signed folder."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import fsspec

from mlplane.core.errors import Conflict
from mlplane.registry.packaging.checksums import describe_files
from mlplane.registry.packaging.flavors import detect_flavor, get_flavor
from mlplane.registry.packaging.flavors.base import distribution_version
from mlplane.registry.packaging.flavors.python import copy_code
from mlplane.registry.packaging.manifest import (
    ModelManifest,
    manifest_document,
    write_manifest,
)
from mlplane.registry.packaging.signature import Signature, infer_signature, is_frame
from mlplane.registry.packaging.trust import sign, signing_key

# Libraries every saved model records, beside its flavor's.
_COMMON_LIBRARIES = ("numpy",)


def _example_output(model: Any, input_example: Any) -> Any:
    predict = getattr(model, "predict", None)
    if not callable(predict):
        return None
    # The output signature is a convenience: a model that cannot answer its own example
    # (it wants another input form) is saved with an input signature only.
    with contextlib.suppress(Exception):
        return predict(input_example)
    return None


def _signature(
    model: Any, input_example: Any, signature: Signature | Mapping[str, Any] | None
) -> Signature | None:
    if signature is not None:
        return (
            signature if isinstance(signature, Signature) else Signature.model_validate(signature)
        )
    if input_example is None:
        return None
    return infer_signature(input_example, _example_output(model, input_example))


def _versions(libraries: Sequence[str], input_example: Any) -> dict[str, str]:
    names = [*libraries, *_COMMON_LIBRARIES]
    if is_frame(input_example):
        names.append("pandas")
    versions = {}
    for name in dict.fromkeys(names):
        version = distribution_version(name)
        if version is not None:
            versions[name] = version
    return versions


def _write_folder(
    model: Any,
    directory: Path,
    *,
    flavor: str | None,
    input_example: Any,
    signature: Signature | Mapping[str, Any] | None,
    requirements: Sequence[str] | None,
    code_paths: Sequence[str | os.PathLike[str]] | None,
    metadata: Mapping[str, Any] | None,
) -> ModelManifest:
    flavor_name = flavor or detect_flavor(model)
    saved = get_flavor(flavor_name).save(model, directory, input_example)
    if code_paths:
        copy_code([Path(path) for path in code_paths], directory)
    versions = _versions(saved.libraries, input_example)
    manifest = ModelManifest(
        flavor=flavor_name,
        mlplane_version=distribution_version("mlplane") or "",
        python_version=platform.python_version(),
        library_versions=versions,
        signature=_signature(model, input_example, signature) or saved.signature,
        requirements=list(requirements)
        if requirements is not None
        else [f"{name}=={version}" for name, version in versions.items()],
        flavor_config=saved.config,
        metadata=dict(metadata or {}),
    )
    return seal(directory, manifest, signed=True)


def seal(directory: Path, manifest: ModelManifest, *, signed: bool) -> ModelManifest:
    """List the folder's files with their checksums, sign with this home's key, write."""
    manifest.files = describe_files(directory)
    manifest.origin = None
    document = manifest_document(manifest)
    if signed:
        key = signing_key()
        assert key is not None
        manifest.origin = sign(document, key)
        document["origin"] = manifest.origin.model_dump(mode="json")
    write_manifest(directory, document)
    return manifest


def save_model(
    model: Any,
    path: str | os.PathLike[str],
    *,
    flavor: str | None = None,
    input_example: Any = None,
    signature: Signature | Mapping[str, Any] | None = None,
    requirements: Sequence[str] | None = None,
    code_paths: Sequence[str | os.PathLike[str]] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> ModelManifest:
    """Save `model` as a model folder at `path` (a local folder or an fsspec URL).

    The flavor is detected from the model's class unless given. The signature is inferred
    from `input_example` (and the model's answer to it) unless given. The folder is written
    beside its target and renamed into place, so a reader never sees half a model; a
    folder that already exists and is not empty is refused.
    """
    target = str(path)
    remote = "://" in target and not target.startswith("file://")
    local = None if remote else Path(target.removeprefix("file://")).expanduser()
    if local is not None and local.exists() and any(local.iterdir()):
        raise Conflict(f"{local} already exists and is not empty", field="path")
    parent = local.parent if local is not None else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mlplane-model-", dir=parent))
    try:
        manifest = _write_folder(
            model,
            staging,
            flavor=flavor,
            input_example=input_example,
            signature=signature,
            requirements=requirements,
            code_paths=code_paths,
            metadata=metadata,
        )
        if local is None:
            fs, root = fsspec.core.url_to_fs(target)
            fs.put(f"{staging}/", root.rstrip("/"), recursive=True)
        else:
            if local.exists():
                local.rmdir()
            staging.rename(local)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
