"""mlplane: a self-hosted AI platform in one package.

The SDK surface is imported lazily so that `import mlplane` (and the CLI) stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["ApiError", "Client", "__version__"]

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.client.errors import ApiError

_LAZY = {
    "Client": "mlplane.client.client",
    "ApiError": "mlplane.client.errors",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'mlplane' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
