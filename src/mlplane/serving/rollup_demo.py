"""The demo's inference traffic: real calls to the demo deployment through the gateway, so
its charts in the control panel have something to show from the start.

Only a platform running on this home has a gateway to call; when the demo is seeded some
other way (in-process, another home) there is none and nothing is sent.
"""

from __future__ import annotations

import time

import httpx
import numpy as np

from mlplane.client.client import Client
from mlplane.client.resolve import running_platform
from mlplane.core.settings import load_settings

DEMO_CALLS = 60
DEMO_ROWS = 4
# The gateway loads a new deployment's model after its next poll of the desired state.
GATEWAY_WAIT_S = 60.0


def _gateway_url(client: Client) -> str | None:
    record = running_platform(load_settings().home)
    if record is None or record.get("url", "").rstrip("/") != client.url.rstrip("/"):
        return None
    return record.get("gateway_url")


def seed_inference_traffic(client: Client, project: str, deployment: str) -> int:
    """Send the demo deployment a few dozen predictions; how many were answered."""
    gateway = _gateway_url(client)
    if gateway is None:
        return 0
    if not any(found.name == deployment for found in client.deployments.list(project=project)):
        return 0  # no demo deployment (scikit-learn missing)
    authorization = client.transport.http.headers.get("Authorization")
    if authorization is None:
        return 0
    rng = np.random.default_rng(11)
    answered = 0
    deadline = time.monotonic() + GATEWAY_WAIT_S
    headers = {"Authorization": authorization}
    with httpx.Client(base_url=gateway, headers=headers, timeout=30) as http:
        while answered < DEMO_CALLS and time.monotonic() < deadline:
            tenure, spend = rng.uniform(1, 72, DEMO_ROWS), rng.uniform(10, 120, DEMO_ROWS)
            instances = np.column_stack([tenure, spend]).tolist()
            response = http.post(f"/v1/models/{deployment}:predict", json={"instances": instances})
            if response.status_code == 200:
                answered += 1
            else:
                time.sleep(0.5)  # not loaded yet
    return answered
