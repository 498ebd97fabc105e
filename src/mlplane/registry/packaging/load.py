"""`load_model`: check a model folder and turn it into a `Predictor`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mlplane.core.errors import InvalidInput, ProblemError
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors import get_flavor
from mlplane.registry.packaging.location import local_folder
from mlplane.registry.packaging.manifest import parse_manifest, read_manifest_document
from mlplane.registry.packaging.predictor import Predictor
from mlplane.registry.packaging.trust import require_trust

if TYPE_CHECKING:
    from mlplane.client.client import Client


def load_folder(directory: Path, *, allow_pickle: bool | None, location: str) -> Predictor:
    document = read_manifest_document(directory)
    manifest = parse_manifest(document)
    flavor = get_flavor(manifest.flavor)
    config = manifest.flavor_config
    files = [entry.path for entry in manifest.files]
    folder = VerifiedFolder(directory, manifest, hold=flavor.held_files(config, files))
    try:
        code_files = flavor.code_files(config, files)
        if code_files:
            require_trust(document, code_files, allow_pickle, location)
        try:
            model = flavor.load(folder, config)
        except ProblemError:
            raise
        except Exception as error:
            # A damaged or mislabelled model is the model's fault, not the platform's.
            raise InvalidInput(
                f"the {manifest.flavor} model at {location} could not be loaded: "
                f"{type(error).__name__}: {error}"
            ) from error
    finally:
        folder.release()
    return Predictor(manifest, model, location)


def load_model(
    uri: str | os.PathLike[str],
    *,
    allow_pickle: bool | None = None,
    client: Client | None = None,
    project: str | None = None,
) -> Predictor:
    """Load a model folder into a `Predictor`.

    `uri` is a local folder, any fsspec URL (`s3://bucket/models/churn`),
    `runs:/<run id>/<artifact path>`, or a registered version (`models:/churn@production`,
    `models:/churn/3`), downloaded through `client` (by default `mlplane.Client()`) from
    `project` (by default `MLPLANE_PROJECT` or "default"). Every file is checked against
    the manifest's checksums first; a flavor whose loading runs code (pickles, code files)
    also needs a trusted origin, see `trust.py` for `allow_pickle`.
    """
    with local_folder(os.fspath(uri), client=client, project=project) as directory:
        return load_folder(Path(directory), allow_pickle=allow_pickle, location=str(uri))
