from __future__ import annotations

from collections.abc import Callable

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.tracking.schemas import Run


@pytest.fixture
def two_versions(client: mlplane.Client, project: str, trained_run: Callable[..., Run]) -> None:
    weak, strong = trained_run(0.80, "weak"), trained_run(0.95, "strong")
    client.models.register("fraud", f"runs:/{weak.id}/model", project=project)
    client.models.register("fraud", f"runs:/{strong.id}/model", project=project)


def test_set_alias_resolves_as_models_uri(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.set_alias("fraud", "champion", 2, project=project)
    assert client.models.resolve("models:/fraud@champion", project=project).version == 2
    assert client.models.resolve("models:/fraud/1", project=project).version == 1
    assert client.models.get("fraud", project=project).aliases == {"champion": 2}
    assert client.models.version("fraud", 2, project=project).aliases == ["champion"]


def test_set_alias_to_missing_version_is_404(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    with pytest.raises(ApiError) as error:
        client.models.set_alias("fraud", "champion", 9, project=project)
    assert error.value.status == 404


def test_set_alias_with_reserved_name_is_422(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    with pytest.raises(ApiError) as error:
        client.models.set_alias("fraud", "v3", 1, project=project)
    assert error.value.status == 422


def test_alias_history_records_each_move(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.set_alias("fraud", "champion", 1, project=project)
    client.models.set_alias("fraud", "champion", 2, project=project)
    client.models.delete_alias("fraud", "champion", project=project)
    history = client.models.alias_history("fraud", project=project)
    assert [(e.version, e.previous_version, e.reason) for e in history] == [
        (None, 2, "removed"),
        (2, 1, "direct"),
        (1, None, "direct"),
    ]


def test_moving_protected_alias_without_approval_is_403_and_audited(
    client: mlplane.Client, project: str, two_versions: None, editor: mlplane.Client
) -> None:
    client.models.protect_alias("production", project=project)
    with pytest.raises(ApiError) as error:
        editor.models.set_alias("fraud", "production", 2, project=project)
    assert error.value.status == 403
    assert error.value.problem["code"] == "forbidden"
    assert client.models.aliases("fraud", project=project) == []
    denied = client.audit.list(action="set_model_alias")
    assert [(event.actor, event.status_code) for event in denied] == [("eddie", 403)]


def test_approval_by_project_admin_moves_protected_alias(
    client: mlplane.Client, project: str, two_versions: None, editor: mlplane.Client
) -> None:
    client.models.protect_alias("production", project=project)
    request = editor.models.request_approval(
        "fraud", "production", 2, comment="better recall", project=project
    )
    assert request.state == "pending"
    assert client.models.aliases("fraud", project=project) == []
    granted = client.models.approve(request.id, comment="ok", project=project)
    assert (granted.state, granted.decided_by) == ("approved", "admin")
    assert client.models.resolve("models:/fraud@production", project=project).version == 2
    event = client.models.alias_history("fraud", alias="production", project=project)[0]
    assert (event.moved_by, event.decided_by, event.reason) == ("eddie", "admin", "approval")
    assert event.approval_id == request.id
    actions = {e.action for e in client.audit.list(project=project)}
    assert {"request_approval", "grant_approval"} <= actions


def test_editor_cannot_approve(
    client: mlplane.Client, project: str, two_versions: None, editor: mlplane.Client
) -> None:
    client.models.protect_alias("production", project=project)
    request = editor.models.request_approval("fraud", "production", 2, project=project)
    with pytest.raises(ApiError) as error:
        editor.models.approve(request.id, project=project)
    assert error.value.status == 403


def test_rejected_request_leaves_alias_and_cannot_be_granted(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.protect_alias("production", project=project)
    request = client.models.request_approval("fraud", "production", 2, project=project)
    rejected = client.models.reject(request.id, comment="not yet", project=project)
    assert rejected.state == "rejected"
    with pytest.raises(ApiError) as error:
        client.models.approve(request.id, project=project)
    assert error.value.status == 409
    assert client.models.aliases("fraud", project=project) == []
    assert [a.state for a in client.models.approvals(model="fraud", project=project)] == [
        "rejected"
    ]


def test_passing_gate_moves_protected_alias(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.protect_alias("production", gate=["accuracy >= 0.9"], project=project)
    client.models.set_alias("fraud", "production", 2, project=project)
    event = client.models.alias_history("fraud", project=project)[0]
    assert (event.decided_by, event.reason) == ("gate", "gate")


def test_failing_gate_is_403_naming_the_rule(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.protect_alias("production", gate=["accuracy >= 0.9"], project=project)
    with pytest.raises(ApiError) as error:
        client.models.set_alias("fraud", "production", 1, project=project)
    assert error.value.status == 403
    assert "accuracy >= 0.9" in error.value.detail


def test_gate_against_champion_compares_runs(
    client: mlplane.Client, project: str, two_versions: None
) -> None:
    client.models.set_alias("fraud", "champion", 2, project=project)
    client.models.protect_alias("production", gate=["accuracy > @champion"], project=project)
    request = client.models.request_approval("fraud", "production", 1, project=project)
    assert request.state == "pending"
    assert [check.passed for check in request.gate_checks] == [False]
    client.models.set_alias("fraud", "champion", 1, project=project)
    assert client.models.request_approval("fraud", "production", 2, project=project).state == (
        "approved"
    )


def test_protect_alias_with_bad_rule_is_422(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        client.models.protect_alias("production", gate=["accuracy is good"], project=project)
    assert error.value.status == 422


def test_editor_cannot_protect_alias(editor: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        editor.models.protect_alias("production", project=project)
    assert error.value.status == 403
