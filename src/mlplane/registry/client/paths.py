"""URL paths of the registry API, and parsing of `models:/` URIs for the SDK."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from mlplane.tracking.client.projects import default_project


def project_path(project: str | None) -> str:
    return f"/api/v1/projects/{quote(default_project(project), safe='')}"


def model_path(project: str | None, name: str) -> str:
    return f"{project_path(project)}/models/{quote(name, safe='')}"


def version_path(project: str | None, name: str, version: int) -> str:
    return f"{model_path(project, name)}/versions/{int(version)}"


@dataclass(frozen=True)
class ModelUri:
    """`models:/name/3`, `models:/name@champion` or `models:/name/latest`."""

    name: str
    version: int | None = None
    alias: str | None = None


def parse_model_uri(uri: str) -> ModelUri:
    if not uri.startswith("models:/"):
        raise ValueError(f"{uri!r} is not a models:/ URI")
    rest = uri[len("models:/") :].strip("/")
    if "@" in rest:
        name, _, alias = rest.rpartition("@")
        if name and alias:
            return ModelUri(name, alias=alias)
    else:
        name, _, version = rest.rpartition("/")
        if name and version.isdigit():
            return ModelUri(name, version=int(version))
        if name and version == "latest":
            return ModelUri(name)
    raise ValueError(f"{uri!r} must be models:/<name>/<version> or models:/<name>@<alias>")
