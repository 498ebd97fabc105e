"""The demo project `mlplane up --demo` creates, so a newcomer sees every capability at work.

Seeding is idempotent: a restart finds what it created before and leaves it alone.
"""

from __future__ import annotations

from mlplane.client.client import Client
from mlplane.client.errors import ApiError

DEMO_PROJECT = "demo"


def _exists(error: ApiError) -> bool:
    return error.status == 409


def seed_governance(client: Client) -> None:
    for name, role in (("alice", "editor"), ("bob", "viewer")):
        try:
            client.users.create(name, display_name=name.title(), email=f"{name}@example.com")
        except ApiError as error:
            if not _exists(error):
                raise
        client.projects.add_member(DEMO_PROJECT, name, role)
    try:
        client.users.create("ci-bot", display_name="CI pipeline", kind="service")
    except ApiError as error:
        if not _exists(error):
            raise
    client.projects.add_member(DEMO_PROJECT, "ci-bot", "editor")


def seed_catalog(client: Client) -> None:
    try:
        client.projects.create(
            DEMO_PROJECT,
            display_name="Demo",
            description="A small project that shows what mlplane does.",
            tags={"team": "platform", "tier": "demo"},
        )
    except ApiError as error:
        if not _exists(error):
            raise


def seed_tracking(client: Client) -> None:
    from mlplane.tracking.demo import seed_experiment

    seed_experiment(client, DEMO_PROJECT)


def seed_data(client: Client) -> None:
    from mlplane.data.demo import record_consumers, seed_datasets
    from mlplane.data.ingestion_demo import seed_ingestion
    from mlplane.tracking.demo import DEMO_EXPERIMENT

    seed_datasets(client, DEMO_PROJECT)
    record_consumers(client, DEMO_PROJECT, DEMO_EXPERIMENT)
    seed_ingestion(client, DEMO_PROJECT)


def seed_compute(client: Client) -> None:
    from mlplane.compute.demo import seed_job, seed_study

    seed_job(client, DEMO_PROJECT)
    seed_study(client, DEMO_PROJECT)


def seed_pipelines(client: Client) -> None:
    from mlplane.pipelines.demo import seed_pipeline

    seed_pipeline(client, DEMO_PROJECT)


def seed_serving(client: Client) -> None:
    from mlplane.serving.demo import seed_served_model
    from mlplane.tracking.demo import DEMO_EXPERIMENT

    seed_served_model(client, DEMO_PROJECT, DEMO_EXPERIMENT)


def seed_deployments(client: Client) -> None:
    from mlplane.deployments.demo import seed_deployment

    seed_deployment(client, DEMO_PROJECT)


def seed_registry(client: Client) -> None:
    from mlplane.registry.demo import seed_models
    from mlplane.tracking.demo import DEMO_EXPERIMENT

    experiment = client.experiments.get(DEMO_EXPERIMENT, project=DEMO_PROJECT)
    seed_models(client, DEMO_PROJECT, experiment.id)


def seed_tokens(client: Client) -> None:
    from mlplane.deployments.demo import DEMO_DEPLOYMENT
    from mlplane.governance.demo import seed_application_token

    seed_application_token(client, DEMO_PROJECT, DEMO_DEPLOYMENT)


def seed_inference_rollups(client: Client) -> None:
    from mlplane.deployments.demo import DEMO_DEPLOYMENT
    from mlplane.serving.rollup_demo import seed_inference_traffic

    seed_inference_traffic(client, DEMO_PROJECT, DEMO_DEPLOYMENT)


def seed(client: Client) -> None:
    seed_catalog(client)
    seed_governance(client)
    seed_tracking(client)
    seed_registry(client)
    seed_data(client)
    seed_compute(client)
    seed_pipelines(client)
    seed_serving(client)
    seed_deployments(client)
    seed_tokens(client)
    seed_inference_rollups(client)
