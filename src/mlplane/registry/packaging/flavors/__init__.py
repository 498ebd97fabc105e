"""The flavors, looked up by name or detected from a model object.

Flavor modules import their libraries only when used, so `load_model` of a scikit-learn
model never imports torch, and detection reads class modules instead of importing anything.
"""

from __future__ import annotations

import importlib
from typing import Any

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.flavors.base import Flavor

_FLAVORS: dict[str, tuple[str, str]] = {
    "sklearn": ("mlplane.registry.packaging.flavors.sklearn", "SklearnFlavor"),
    "xgboost": ("mlplane.registry.packaging.flavors.xgboost", "XGBoostFlavor"),
    "lightgbm": ("mlplane.registry.packaging.flavors.lightgbm", "LightGBMFlavor"),
    "onnx": ("mlplane.registry.packaging.flavors.onnx", "OnnxFlavor"),
    "pytorch": ("mlplane.registry.packaging.flavors.pytorch", "PyTorchFlavor"),
    "transformers": ("mlplane.registry.packaging.flavors.transformers", "TransformersFlavor"),
    "python": ("mlplane.registry.packaging.flavors.python", "PythonFlavor"),
}
FLAVOR_NAMES = tuple(_FLAVORS)


def get_flavor(name: str) -> Flavor:
    try:
        module_name, class_name = _FLAVORS[name]
    except KeyError:
        raise InvalidInput(
            f"unknown model flavor {name!r} (known: {', '.join(FLAVOR_NAMES)})", field="flavor"
        ) from None
    flavor: Flavor = getattr(importlib.import_module(module_name), class_name)()
    return flavor


def _class_modules(model: Any) -> list[str]:
    return [f"{cls.__module__}.{cls.__name__}" for cls in type(model).__mro__]


def detect_flavor(model: Any) -> str:
    """The flavor for a model object, from the libraries its class comes from."""
    if isinstance(model, bytes) or type(model).__name__ == "ModelProto":
        return "onnx"
    modules = _class_modules(model)

    def comes_from(prefix: str) -> bool:
        return any(name.startswith(prefix) for name in modules)

    if comes_from("transformers.pipelines"):
        return "transformers"
    if comes_from("torch.nn.") or comes_from("torch.jit."):
        return "pytorch"
    if comes_from("xgboost."):
        return "xgboost"
    if comes_from("lightgbm.basic.Booster"):
        return "lightgbm"
    if comes_from("sklearn."):
        return "sklearn"
    if callable(getattr(model, "predict", None)):
        return "python"
    raise InvalidInput(
        f"cannot tell the flavor of a {type(model).__qualname__}; pass flavor= "
        f"(one of {', '.join(FLAVOR_NAMES)}) or give it a predict(inputs) method",
        field="flavor",
    )
