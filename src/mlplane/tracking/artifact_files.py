"""Python objects as artifact files: dictionaries as JSON or YAML, figures as images."""

from __future__ import annotations

import io
import json
from pathlib import PurePosixPath
from typing import Any


def dict_bytes(dictionary: Any, artifact_file: str) -> bytes:
    """YAML for `.yaml`/`.yml` files, JSON otherwise."""
    suffix = PurePosixPath(artifact_file).suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as error:
            raise ImportError("logging a YAML file needs PyYAML: pip install pyyaml") from error
        return yaml.safe_dump(dictionary, sort_keys=False).encode()
    return json.dumps(dictionary, indent=2, default=str).encode()


def figure_bytes(figure: Any, artifact_file: str) -> bytes:
    """A matplotlib figure (any object with `savefig`) in the format the file name says, or
    a plotly figure as HTML (`to_html`) or an image (`to_image`).
    """
    suffix = PurePosixPath(artifact_file).suffix.lower().lstrip(".") or "png"
    if hasattr(figure, "savefig"):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix)
        return buffer.getvalue()
    if suffix == "html" and hasattr(figure, "to_html"):
        return str(figure.to_html()).encode()
    if hasattr(figure, "to_image"):
        image: bytes = figure.to_image(format=suffix)
        return image
    raise TypeError(
        f"cannot save a {type(figure).__name__} as a figure; pass a matplotlib or plotly figure"
    )
