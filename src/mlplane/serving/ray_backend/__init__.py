"""Deployed models on Ray Serve: the scale-out backend of the gateway.

With `[deployments] backend = "ray"` the gateway stays the single entry point (tokens,
protocols, signature checks, batching, the inference log, metrics and canary weights are
unchanged) but does not load models itself: each served version becomes one Ray Serve
application on the cluster at `ray_address`, and the gateway forwards each batch to it.
"""

from __future__ import annotations

from mlplane.serving.ray_backend.loader import RayServeLoader, app_name

__all__ = ["RayServeLoader", "app_name"]
