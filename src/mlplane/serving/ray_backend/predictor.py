"""The gateway's side of a version served on Ray Serve: a predictor that forwards batches.

It keeps only the model's manifest (the signature the gateway checks inputs against and
describes in metadata); each batch the gateway's batcher forms goes to the application as
one call, on the batcher's own thread.
"""

from __future__ import annotations

from typing import Any

from mlplane.core.errors import ProblemError
from mlplane.registry.packaging.manifest import ModelManifest
from mlplane.registry.packaging.predictor import Predictor
from mlplane.serving.errors import ModelFailed, ModelNotReady, ModelTimeout


class ServePredictor(Predictor):
    def __init__(
        self, manifest: ModelManifest, location: str, app: str, handle: Any, timeout_s: float
    ) -> None:
        # The model itself lives on the replicas: nothing is loaded here.
        self.manifest = manifest
        self.location = location
        self.app = app
        self.handle = handle
        self.timeout_s = timeout_s
        # Set when the application stopped answering; the gateway's next poll redeploys it.
        self.lost = False

    def predict(self, inputs: Any) -> Any:
        from ray.exceptions import RayTaskError

        try:
            return self.handle.remote(inputs).result(timeout_s=self.timeout_s)
        except RayTaskError as error:
            cause = error.cause
            if isinstance(cause, ProblemError):
                raise cause from None
            raise ModelFailed(
                f"the model in Ray Serve application {self.app!r} failed: "
                f"{type(cause).__name__}: {cause}"
            ) from None
        except TimeoutError:
            raise ModelTimeout(
                f"Ray Serve application {self.app!r} did not answer within {self.timeout_s:g}s"
            ) from None
        except Exception as error:
            self.lost = True
            raise ModelNotReady(
                f"Ray Serve application {self.app!r} cannot answer: "
                f"{type(error).__name__}: {error}",
                headers={"Retry-After": "5"},
            ) from None

    def __repr__(self) -> str:
        return f"ServePredictor(app={self.app!r}, location={self.location!r})"
