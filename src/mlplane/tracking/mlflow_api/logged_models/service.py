"""Logged models' rules: who may create, read and change them, and their search.

A model belongs to an experiment and lives in its project: reading needs a viewer there,
changing an editor. Its files are in `<experiment folder>/models/<id>/artifacts`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from mlplane.core.clock import to_millis, utcnow
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.mlflow_api.logged_models import store
from mlplane.tracking.mlflow_api.logged_models.schemas import (
    LoggedModel,
    LoggedModelCreate,
    LoggedModelSearch,
    LoggedModelStatus,
    RunModels,
)
from mlplane.tracking.mlflow_api.logged_models.tables import LoggedModelRow
from mlplane.tracking.run_names import new_run_name
from mlplane.tracking.search import Entity, Kind, Target, parse_filter, parse_order_by
from mlplane.tracking.service.access import (
    access_experiment,
    access_run,
    require_active_experiment,
    require_active_run,
)
from mlplane.tracking.service.paging import fingerprint, next_page_token, page_window
from mlplane.tracking.validation import check_key, check_param_value, check_tag_value

LOGGED_MODELS = Target(
    name="logged models",
    entities=frozenset({Entity.ATTRIBUTE, Entity.PARAM, Entity.TAG}),
    attributes={
        "model_id": Kind.STRING,
        "name": Kind.STRING,
        "model_type": Kind.STRING,
        "source_run_id": Kind.STRING,
        "status": Kind.STRING,
        "creation_time": Kind.NUMBER,
        "last_updated_time": Kind.NUMBER,
    },
    attribute_aliases={
        "id": "model_id",
        "creation_timestamp": "creation_time",
        "creation_timestamp_ms": "creation_time",
        "last_updated_timestamp": "last_updated_time",
        "last_updated_timestamp_ms": "last_updated_time",
    },
)

MAX_NAME_LENGTH = 250


def _view(session: Session, row: LoggedModelRow) -> LoggedModel:
    return _views(session, [row])[0]


def _views(session: Session, rows: Sequence[LoggedModelRow]) -> list[LoggedModel]:
    params, tags = store.params_and_tags(session, [row.id for row in rows])
    return [
        LoggedModel(
            id=row.id,
            experiment_id=row.experiment_id,
            name=row.name,
            model_type=row.model_type,
            source_run_id=row.source_run_id,
            status=LoggedModelStatus(row.status),
            status_message=row.status_message,
            artifact_location=row.artifact_location,
            lifecycle=row.lifecycle,
            created_by=row.created_by,
            creation_time=row.creation_time,
            last_updated_time=row.last_updated_time,
            params=params.get(row.id, {}),
            tags=tags.get(row.id, {}),
        )
        for row in rows
    ]


def _checked_params(params: Mapping[str, str]) -> dict[str, str]:
    for key, value in params.items():
        check_key(key, f"params.{key}")
        check_param_value(value, f"params.{key}")
    return dict(params)


def _checked_tags(tags: Mapping[str, str]) -> dict[str, str]:
    for key, value in tags.items():
        check_key(key, f"tags.{key}")
        check_tag_value(value, f"tags.{key}")
    return dict(tags)


def create_logged_model(
    session: Session, principal: Principal, project: str, data: LoggedModelCreate
) -> LoggedModel:
    found = access_experiment(
        session, principal, data.experiment_id, Role.EDITOR, project=project, for_write=True
    )
    require_active_experiment(found.experiment)
    if data.source_run_id:
        source = access_run(session, principal, data.source_run_id, project=project)
        if source.experiment.id != found.experiment.id:
            raise InvalidInput(
                f"source_run_id: run {data.source_run_id!r} belongs to another experiment"
            )
    name = data.name or new_run_name()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"name: a model name holds at most {MAX_NAME_LENGTH} characters")
    params, tags = _checked_params(data.params), _checked_tags(data.tags)
    model_id = f"m-{uuid.uuid4().hex}"
    now = to_millis(utcnow())
    row = LoggedModelRow(
        id=model_id,
        experiment_id=found.experiment.id,
        name=name,
        model_type=data.model_type,
        source_run_id=data.source_run_id or None,
        status=LoggedModelStatus.PENDING.value,
        status_message="",
        artifact_location=f"{found.experiment.artifact_location}/models/{model_id}/artifacts",
        lifecycle="active",
        created_by=principal.name,
        creation_time=now,
        last_updated_time=now,
    )
    session.add(row)
    session.flush()
    store.insert_params(session, model_id, params)
    store.set_tags(session, model_id, tags)
    return _view(session, row)


def _access_model(
    session: Session,
    principal: Principal,
    model_id: str,
    project: str | None,
    minimum: Role = Role.VIEWER,
    *,
    allow_deleted: bool = False,
) -> LoggedModelRow:
    row = store.get_model(session, model_id)
    missing = f"logged model {model_id!r} does not exist"
    if row is None or (row.lifecycle != "active" and not allow_deleted):
        raise NotFound(missing)
    try:
        found = access_experiment(
            session,
            principal,
            row.experiment_id,
            minimum,
            project=project,
            for_write=minimum is not Role.VIEWER,
        )
    except NotFound as error:
        raise NotFound(missing) from error
    if minimum is not Role.VIEWER:
        require_active_experiment(found.experiment)
    return row


def get_logged_model(
    session: Session,
    principal: Principal,
    model_id: str,
    project: str | None = None,
    *,
    allow_deleted: bool = False,
) -> LoggedModel:
    row = _access_model(session, principal, model_id, project, allow_deleted=allow_deleted)
    return _view(session, row)


def _touch(row: LoggedModelRow) -> None:
    row.last_updated_time = to_millis(utcnow())


def finalize_logged_model(
    session: Session,
    principal: Principal,
    model_id: str,
    status: LoggedModelStatus,
    project: str | None = None,
) -> LoggedModel:
    """Mark a model READY once its files are uploaded, or UPLOAD_FAILED."""
    if status is LoggedModelStatus.PENDING:
        raise InvalidInput("status: a model is finalized as READY or UPLOAD_FAILED")
    row = _access_model(session, principal, model_id, project, Role.EDITOR)
    row.status = status.value
    _touch(row)
    session.flush()
    return _view(session, row)


def delete_logged_model(
    session: Session, principal: Principal, model_id: str, project: str | None = None
) -> None:
    row = _access_model(session, principal, model_id, project, Role.EDITOR)
    row.lifecycle = "deleted"
    _touch(row)


def set_logged_model_tags(
    session: Session,
    principal: Principal,
    model_id: str,
    tags: Mapping[str, str],
    project: str | None = None,
) -> LoggedModel:
    row = _access_model(session, principal, model_id, project, Role.EDITOR)
    store.set_tags(session, model_id, _checked_tags(tags))
    _touch(row)
    return _view(session, row)


def delete_logged_model_tag(
    session: Session, principal: Principal, model_id: str, key: str, project: str | None = None
) -> None:
    row = _access_model(session, principal, model_id, project, Role.EDITOR)
    if not store.delete_tag(session, model_id, key):
        raise NotFound(f"logged model {model_id!r} has no tag {key!r}")
    _touch(row)


def log_logged_model_params(
    session: Session,
    principal: Principal,
    model_id: str,
    params: Mapping[str, str],
    project: str | None = None,
) -> None:
    """Params are immutable once logged, as a run's: the same value again is accepted."""
    row = _access_model(session, principal, model_id, project, Role.EDITOR)
    checked = _checked_params(params)
    stored = store.params_of(session, model_id, list(checked))
    for key, value in checked.items():
        if key in stored and stored[key] != value:
            raise InvalidInput(
                f"params.{key}: changing param {key!r} from {stored[key]!r} to {value!r} is "
                "not allowed; params are immutable once logged"
            )
    store.insert_params(session, model_id, checked)
    _touch(row)


def search_logged_models(
    session: Session, principal: Principal, project: str | None, search: LoggedModelSearch
) -> Page[LoggedModel]:
    comparisons = parse_filter(search.filter, LOGGED_MODELS)
    sort_keys = parse_order_by(
        [f"{order.field_name} {'ASC' if order.ascending else 'DESC'}" for order in search.order_by],
        LOGGED_MODELS,
    )
    experiment_ids = [
        access_experiment(session, principal, reference, project=project).experiment.id
        for reference in dict.fromkeys(search.experiment_ids)
    ]
    key = fingerprint(
        "logged-models",
        experiment_ids,
        search.filter,
        [order.model_dump() for order in search.order_by],
    )
    offset, limit = page_window(search.page_token, search.max_results, key)
    if not experiment_ids:
        return Page(items=[])
    query = store.search_query(session, experiment_ids, comparisons, sort_keys)
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    return Page(
        items=_views(session, rows[:limit]),
        next_page_token=next_page_token(offset, limit, len(rows) > limit, key),
    )


def artifact_root_for_read(
    session: Session, principal: Principal, model_id: str, project: str | None = None
) -> str:
    return _access_model(session, principal, model_id, project).artifact_location


def artifact_root_for_write(
    session: Session, principal: Principal, model_id: str, project: str | None = None
) -> str:
    return _access_model(session, principal, model_id, project, Role.EDITOR).artifact_location


def link_run_models(
    session: Session,
    principal: Principal,
    run_id: str,
    direction: str,
    models: Sequence[tuple[str, int]],
    project: str | None = None,
) -> None:
    """Record models a run used (`input`) or produced (`output`, at a step)."""
    if direction not in ("input", "output"):
        raise InvalidInput(f"direction: {direction!r} is neither 'input' nor 'output'")
    run = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(run.run)
    for model_id, _ in models:
        _access_model(session, principal, model_id, project)
    rows = [
        {"run_id": run_id, "model_id": model_id, "direction": direction, "step": step}
        for model_id, step in models
    ]
    store.link_runs(session, rows)


def run_models(session: Session, run_ids: Sequence[str]) -> dict[str, RunModels]:
    """The models of runs the caller has already been allowed to read."""
    found: dict[str, RunModels] = {run_id: RunModels() for run_id in run_ids}
    for run_id, links in store.run_models(session, run_ids).items():
        for link in links:
            if link.direction == "input":
                found[run_id].inputs.append(link.model_id)
            else:
                found[run_id].outputs.append((link.model_id, link.step))
    return found
