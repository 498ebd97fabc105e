from __future__ import annotations

from collections.abc import Callable

import mlplane
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_serving, seed_tracking
from mlplane.serving.demo import DEMO_SERVED
from tests.serving.conftest import Gate


def test_seed_serving_serves_a_classifier_once(
    client: mlplane.Client, gateway: Callable[..., Gate], token: str
) -> None:
    seed_catalog(client)
    seed_tracking(client)

    seed_serving(client)
    seed_serving(client)

    (served,) = client.serving.list(project=DEMO_PROJECT)
    assert (served.name, served.version) == (DEMO_SERVED, "1")
    assert served.source.startswith("runs:/")
    gate = gateway(None, token=token)
    answer = gate.http.post(
        f"/v1/models/{DEMO_SERVED}:predict", json={"instances": [[70.0, 15.0], [2.0, 115.0]]}
    )
    assert answer.json() == {"predictions": [0, 1]}
