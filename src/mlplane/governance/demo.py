"""The demo's application access: a service account whose token reaches only the demo
deployment, with a rate limit, as `mlplane tokens create --scope --rate-limit` gives one.

Its secret is not kept anywhere: the demo shows how such a token looks in the token list; an
administrator issues a fresh one to hand to a real application.
"""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.client.errors import ApiError

DEMO_APPLICATION = "churn-app"
DEMO_RATE_PER_SECOND = 20.0
DEMO_BURST = 40


def seed_application_token(client: Client, project: str, deployment: str) -> None:
    try:
        client.users.create(
            DEMO_APPLICATION, display_name="Application calling the churn API", kind="service"
        )
    except ApiError as error:
        if error.status != 409:
            raise
    client.projects.add_member(project, DEMO_APPLICATION, "viewer")
    if any(token.revoked_at is None for token in client.tokens.list(user=DEMO_APPLICATION)):
        return  # seeded before
    client.tokens.create(
        DEMO_APPLICATION,
        user=DEMO_APPLICATION,
        scopes=[f"deployment:{project}/{deployment}"],
        rate_limit=DEMO_RATE_PER_SECOND,
        burst=DEMO_BURST,
    )
