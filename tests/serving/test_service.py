from __future__ import annotations

from collections.abc import Callable

import pytest

import mlplane
from mlplane.client.errors import ApiError


def test_add_served_model_numbers_versions(
    client: mlplane.Client, project: str, columns_model: str
) -> None:
    first = client.serving.add("churn", columns_model, project=project)
    second = client.serving.add("churn", columns_model, project=project, max_batch_size=8)
    assert (first.version, second.version) == ("1", "2")
    assert second.max_batch_size == 8
    assert second.uri == columns_model
    assert second.weight == 100
    assert [(m.name, m.version) for m in client.serving.list(project=project)] == [
        ("churn", "1"),
        ("churn", "2"),
    ]


def test_add_served_model_relative_path_is_422(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError, match="absolute path") as raised:
        client.serving.add("churn", "models/churn", project=project)
    assert raised.value.status == 422


def test_add_served_model_name_of_another_project_is_409(
    client: mlplane.Client, project: str, columns_model: str
) -> None:
    client.projects.create("other")
    client.serving.add("churn", columns_model, project="other")
    with pytest.raises(ApiError, match="another project") as raised:
        client.serving.add("churn", columns_model, project=project)
    assert raised.value.status == 409


def test_add_served_model_as_viewer_is_403(
    user_client: Callable[..., mlplane.Client], project: str, columns_model: str
) -> None:
    viewer = user_client("vera", project, "viewer")
    with pytest.raises(ApiError) as raised:
        viewer.serving.add("churn", columns_model, project=project)
    assert raised.value.status == 403


def test_remove_served_model_one_version(
    client: mlplane.Client, project: str, columns_model: str
) -> None:
    client.serving.add("churn", columns_model, project=project)
    client.serving.add("churn", columns_model, project=project)
    client.serving.remove("churn", version="1", project=project)
    assert [m.version for m in client.serving.list(project=project)] == ["2"]


def test_remove_served_model_unknown_is_404(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as raised:
        client.serving.remove("missing", project=project)
    assert raised.value.status == 404
