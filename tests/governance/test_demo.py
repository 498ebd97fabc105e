from __future__ import annotations

import mlplane
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_tokens
from mlplane.deployments.demo import DEMO_DEPLOYMENT
from mlplane.governance.demo import DEMO_APPLICATION


def test_seed_tokens_gives_the_application_one_scoped_limited_token(
    client: mlplane.Client,
) -> None:
    seed_catalog(client)

    seed_tokens(client)
    seed_tokens(client)

    (token,) = client.tokens.list(user=DEMO_APPLICATION)
    assert token.scopes == [f"deployment:{DEMO_PROJECT}/{DEMO_DEPLOYMENT}"]
    assert token.rate_limit is not None
    assert (token.rate_limit.per_second, token.rate_limit.burst) == (20, 40)
    members = {member.user: member.role for member in client.projects.members(DEMO_PROJECT)}
    assert members[DEMO_APPLICATION] == "viewer"
