"""Shared fixtures: the real app over a real database, driven through the real SDK.

`MLPLANE_TEST_DATABASE=postgres` runs the same tests on a PostgreSQL server the harness
starts; PostgreSQL, S3 (moto) and the browser are required when `CI` is set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import mlplane
from tests.harness.postgres import create_database, find_bindir, postgres_server
from tests.harness.s3 import S3_ENVIRONMENT, moto_server
from tests.harness.services import require_service


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("MLPLANE_URL", "MLPLANE_TOKEN", "MLPLANE_DATABASE_URL", "MLPLANE_ARTIFACT_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "default-home"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server started for this test session."""
    bindir = find_bindir()
    if bindir is None:
        require_service("PostgreSQL", "no initdb found (apt-get install postgresql)")
    assert bindir is not None
    # Outside pytest's private temporary folder: the server runs as the postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="mlplane-postgres-"))
    try:
        with postgres_server(bindir, workdir) as url:
            yield url
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_url: str) -> str:
    """A fresh, empty PostgreSQL database."""
    return create_database(postgres_url)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, home: Path) -> str:
    if os.environ.get("MLPLANE_TEST_DATABASE") == "postgres":
        url: str = request.getfixturevalue("postgres_database")
        return url
    return f"sqlite:///{home / 'mlplane.db'}"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    try:
        server = moto_server()
        endpoint = server.__enter__()
    except (OSError, RuntimeError) as error:
        require_service("S3 (moto server)", str(error))
        raise
    previous = {name: os.environ.get(name) for name in S3_ENVIRONMENT}
    os.environ.update(S3_ENVIRONMENT)
    try:
        yield endpoint
    finally:
        server.__exit__(None, None, None)
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def client(
    home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[mlplane.Client]:
    """An administrator's SDK client over the app in-process on a fresh home."""
    monkeypatch.setenv("MLPLANE_HOME", str(home))
    monkeypatch.setenv("MLPLANE_DATABASE_URL", database_url)
    with mlplane.Client(home=home) as admin:
        yield admin


@pytest.fixture
def user_client(client: mlplane.Client, home: Path) -> Callable[..., mlplane.Client]:
    """Make a user (optionally with a role in a project) and return their SDK client."""
    made: list[mlplane.Client] = []

    def make(
        name: str, project: str | None = None, role: str | None = None, **fields: object
    ) -> mlplane.Client:
        client.users.create(name, **fields)  # type: ignore[arg-type]
        if project and role:
            client.projects.add_member(project, name, role)
        token = client.tokens.create(f"{name}-token", user=name).secret
        user = mlplane.Client(token=token, home=home)
        made.append(user)
        return user

    yield make  # type: ignore[misc]
    for user in made:
        user.close()


@pytest.fixture
def project(client: mlplane.Client) -> str:
    client.projects.create("test-project", description="made by the test fixture")
    return "test-project"
