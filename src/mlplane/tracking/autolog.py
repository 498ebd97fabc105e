"""Automatic logging for scikit-learn: `mlplane.autolog()`.

Every scikit-learn estimator's `fit` is wrapped. A call logs the estimator's params
(`get_params()`, values cut to the 6000-character limit), its training metrics (score, and
accuracy/precision/recall/F1 for classifiers or MSE/MAE/R² for regressors) and the fitted
estimator as `model/model.joblib` — into the active run, or into a run of its own. Fits
inside a fit (a pipeline's steps, a search's candidates) are not logged separately.
scikit-learn is optional: without it `autolog()` warns and does nothing.
"""

from __future__ import annotations

import functools
import importlib
import logging
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.tracking import fluent
from mlplane.tracking.active_run import ActiveRun
from mlplane.tracking.limits import MAX_PARAM_VALUE_LENGTH, MAX_PARAMS_PER_BATCH

if TYPE_CHECKING:
    from mlplane.client.client import Client

logger = logging.getLogger("mlplane.tracking")

_patched: dict[type, Callable[..., Any]] = {}
_settings: dict[str, Any] = {}
_depth = threading.local()


def _sklearn(name: str) -> Any:
    return importlib.import_module(name)


def _fit_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    features = args[0] if args else kwargs.get("X")
    target = args[1] if len(args) > 1 else kwargs.get("y")
    return features, target, kwargs.get("sample_weight")


def _params(estimator: Any) -> dict[str, str]:
    params = {}
    for key, value in sorted(estimator.get_params(deep=True).items()):
        params[key] = str(value)[:MAX_PARAM_VALUE_LENGTH]
    return params


def _training_metrics(estimator: Any, features: Any, target: Any) -> dict[str, float]:
    if target is None or features is None:
        return {}
    base = _sklearn("sklearn.base")
    metrics_module = _sklearn("sklearn.metrics")
    metrics: dict[str, float] = {}
    if hasattr(estimator, "score"):
        metrics["training_score"] = float(estimator.score(features, target))
    if not hasattr(estimator, "predict"):
        return metrics
    predicted = estimator.predict(features)
    if base.is_classifier(estimator):
        metrics["training_accuracy_score"] = float(metrics_module.accuracy_score(target, predicted))
        for name in ("precision", "recall", "f1"):
            scorer = getattr(metrics_module, f"{name}_score")
            value = scorer(target, predicted, average="weighted", zero_division=0)
            metrics[f"training_{name}_score"] = float(value)
    elif base.is_regressor(estimator):
        metrics["training_mean_squared_error"] = float(
            metrics_module.mean_squared_error(target, predicted)
        )
        metrics["training_mean_absolute_error"] = float(
            metrics_module.mean_absolute_error(target, predicted)
        )
        metrics["training_r2_score"] = float(metrics_module.r2_score(target, predicted))
    return metrics


def _log_fit(run: ActiveRun, estimator: Any, features: Any, target: Any) -> None:
    kind = type(estimator)
    run.set_tags(
        {
            "estimator_name": kind.__name__,
            "estimator_class": f"{kind.__module__}.{kind.__qualname__}",
        }
    )
    params = _params(estimator)
    keys = list(params)
    for start in range(0, len(keys), MAX_PARAMS_PER_BATCH):
        run.log_params({key: params[key] for key in keys[start : start + MAX_PARAMS_PER_BATCH]})
    run.log_metrics(_training_metrics(estimator, features, target))
    if _settings.get("log_models", True):
        joblib = importlib.import_module("joblib")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.joblib"
            joblib.dump(estimator, path)
            run.log_artifact(path, "model")
    run.flush()


def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_depth, "value", 0):
            return original(self, *args, **kwargs)
        _depth.value = 1
        try:
            run = fluent.active_run()
            own = None
            if run is None:
                own = fluent.start_run(
                    experiment=_settings.get("experiment"),
                    project=_settings.get("project"),
                    client=_settings.get("client"),
                )
            try:
                result = original(self, *args, **kwargs)
            except BaseException:
                if own is not None:
                    own.end("FAILED")
                raise
            try:
                features, target, _ = _fit_arguments(args, kwargs)
                _log_fit(run or own, self, features, target)  # type: ignore[arg-type]
            except Exception:
                # Logging must never break training.
                logger.warning("autolog could not log %s", type(self).__name__, exc_info=True)
            if own is not None:
                own.end("FINISHED")
            return result
        finally:
            _depth.value = 0

    fit.__mlplane_autolog__ = True  # type: ignore[attr-defined]
    return fit


def _estimator_classes() -> list[type]:
    utils = _sklearn("sklearn.utils")
    return [cls for _, cls in utils.all_estimators()]


def autolog(
    disable: bool = False,
    *,
    log_models: bool = True,
    experiment: str | None = None,
    project: str | None = None,
    client: Client | None = None,
) -> None:
    """Log every scikit-learn `fit`; `disable=True` restores the original methods.

    `experiment`, `project` and `client` apply to runs autolog starts itself (when no run
    is active).
    """
    if disable:
        for cls, unwrapped in _patched.items():
            cls.fit = unwrapped  # type: ignore[attr-defined]
        _patched.clear()
        return
    try:
        classes = _estimator_classes()
    except ImportError:
        warnings.warn(
            "mlplane.autolog(): scikit-learn is not installed, so there is nothing to log",
            stacklevel=2,
        )
        return
    _settings.update(log_models=log_models, experiment=experiment, project=project, client=client)
    for cls in classes:
        method: Callable[..., Any] | None = cls.__dict__.get("fit")
        if method is None or cls in _patched or getattr(method, "__mlplane_autolog__", False):
            continue
        _patched[cls] = method
        cls.fit = _wrap(method)  # type: ignore[attr-defined]
