from __future__ import annotations

import pytest

import mlplane


def test_create_project_makes_caller_admin(client: mlplane.Client) -> None:
    project = client.projects.create("fraud", description="fraud models")

    assert project.name == "fraud"
    assert project.owner == "admin"
    assert project.role == "admin"
    assert [member.user for member in client.projects.members("fraud")] == ["admin"]


def test_create_project_rejects_bad_name(client: mlplane.Client) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.projects.create("Not A Slug")

    assert caught.value.status == 422
    assert "name" in caught.value.detail
    assert client.projects.list() == []
