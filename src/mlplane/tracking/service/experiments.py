"""Experiments: named groups of runs inside a project."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.artifacts import check_relative_path
from mlplane.core.clock import to_millis, utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.schemas import (
    Experiment,
    ExperimentCreate,
    ExperimentSearch,
    ExperimentUpdate,
    Lifecycle,
)
from mlplane.tracking.search import EXPERIMENTS, parse_filter, parse_order_by
from mlplane.tracking.service.access import access_experiment, require_active_experiment
from mlplane.tracking.service.paging import fingerprint, next_page_token, page_window
from mlplane.tracking.service.views import experiment_view, experiment_views
from mlplane.tracking.store import experiments as store
from mlplane.tracking.store.search import experiment_search_query
from mlplane.tracking.tables import ExperimentRow
from mlplane.tracking.validation import check_key, check_tag_value, check_tags

ARTIFACT_PREFIX = "tracking"


def _name_taken(row: ExperimentRow, project: str) -> Conflict:
    state = " (deleted: restore it or choose another name)" if row.lifecycle == "deleted" else ""
    return Conflict(f"experiment {row.name!r} already exists in project {project!r}{state}")


def create_experiment(
    session: Session, principal: Principal, project: str, data: ExperimentCreate
) -> Experiment:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    tags = check_tags(data.tags, "tags")
    existing = store.get_experiment_by_name(session, access.id, data.name)
    if existing is not None:
        raise _name_taken(existing, project)
    experiment_id = new_id()
    location = f"{ARTIFACT_PREFIX}/{experiment_id}"
    if data.artifact_location:
        location = check_relative_path(data.artifact_location)
        if not location or "://" in data.artifact_location:
            raise InvalidInput(
                "artifact_location: must name a folder inside the platform's artifact store, "
                "not a URL"
            )
    now = utcnow()
    row = ExperimentRow(
        id=experiment_id,
        project_id=access.id,
        name=data.name,
        description=data.description,
        artifact_location=location,
        lifecycle=Lifecycle.ACTIVE.value,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    try:
        # A savepoint, so a concurrent create of the same name is a 409, not a broken transaction.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"experiment {data.name!r} already exists in project {project!r}") from error
    store.replace_tags(session, row.id, tags)
    return experiment_view(row, access.name, tags)


def get_or_create_experiment(
    session: Session, principal: Principal, project: str, name: str
) -> Experiment:
    """The active experiment with this name, created when missing (MLflow's set_experiment)."""
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    row = store.get_experiment_by_name(session, access.id, name)
    if row is None:
        return create_experiment(session, principal, project, ExperimentCreate(name=name))
    require_active_experiment(row)
    return experiment_view(row, access.name, store.tags_of(session, [row.id]).get(row.id, {}))


def get_experiment(
    session: Session, principal: Principal, experiment: str, project: str | None = None
) -> Experiment:
    """By id; or by id or name when the project is given."""
    found = access_experiment(session, principal, experiment, project=project)
    tags = store.tags_of(session, [found.experiment.id]).get(found.experiment.id, {})
    return experiment_view(found.experiment, found.project.name, tags)


def search_experiments(
    session: Session, principal: Principal, project: str, search: ExperimentSearch
) -> Page[Experiment]:
    """Experiments matching an MLflow filter such as "attributes.name LIKE 'fraud%'".

    The default order is the most recently updated first, as in MLflow.
    """
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    comparisons = parse_filter(search.filter, EXPERIMENTS)
    sort_keys = parse_order_by(search.order_by, EXPERIMENTS)
    key = fingerprint("experiments", access.id, search.filter, search.order_by, search.view)
    offset, limit = page_window(search.page_token, search.max_results, key)
    query = experiment_search_query(session, access.id, comparisons, sort_keys, search.view)
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    items = experiment_views(session, rows[:limit], access.name)
    return Page(items=items, next_page_token=next_page_token(offset, limit, len(rows) > limit, key))


def update_experiment(
    session: Session,
    principal: Principal,
    experiment: str,
    data: ExperimentUpdate,
    project: str | None = None,
) -> Experiment:
    found = access_experiment(
        session, principal, experiment, Role.EDITOR, project=project, for_write=True
    )
    row = found.experiment
    require_active_experiment(row)
    if data.name is not None and data.name != row.name:
        taken = store.get_experiment_by_name(session, row.project_id, data.name)
        if taken is not None:
            raise _name_taken(taken, found.project.name)
        row.name = data.name
    if data.description is not None:
        row.description = data.description
    if data.tags is not None:
        store.replace_tags(session, row.id, check_tags(data.tags, "tags"))
    row.updated_at = utcnow()
    session.flush()
    return experiment_view(
        row, found.project.name, store.tags_of(session, [row.id]).get(row.id, {})
    )


def set_experiment_tag(
    session: Session,
    principal: Principal,
    experiment: str,
    key: str,
    value: str,
    project: str | None = None,
) -> None:
    found = access_experiment(
        session, principal, experiment, Role.EDITOR, project=project, for_write=True
    )
    require_active_experiment(found.experiment)
    store.set_tag(
        session, found.experiment.id, check_key(key, "key"), check_tag_value(value, "value")
    )
    found.experiment.updated_at = utcnow()


def delete_experiment_tag(
    session: Session, principal: Principal, experiment: str, key: str, project: str | None = None
) -> None:
    found = access_experiment(
        session, principal, experiment, Role.EDITOR, project=project, for_write=True
    )
    require_active_experiment(found.experiment)
    if not store.delete_tag(session, found.experiment.id, key):
        raise NotFound(f"experiment {found.experiment.name!r} has no tag {key!r}")
    found.experiment.updated_at = utcnow()


def delete_experiment(
    session: Session, principal: Principal, experiment: str, project: str | None = None
) -> Experiment:
    """Mark the experiment and its active runs deleted; restoring brings both back."""
    found = access_experiment(
        session, principal, experiment, Role.EDITOR, project=project, for_write=True
    )
    row = found.experiment
    if row.lifecycle != Lifecycle.DELETED:
        now = utcnow()
        row.lifecycle, row.deleted_at, row.updated_at = Lifecycle.DELETED.value, now, now
        store.delete_active_runs(session, row.id, to_millis(now))
        session.flush()
    return experiment_view(
        row, found.project.name, store.tags_of(session, [row.id]).get(row.id, {})
    )


def restore_experiment(
    session: Session, principal: Principal, experiment: str, project: str | None = None
) -> Experiment:
    found = access_experiment(
        session, principal, experiment, Role.EDITOR, project=project, for_write=True
    )
    row = found.experiment
    if row.lifecycle == Lifecycle.DELETED and row.deleted_at is not None:
        store.restore_runs_deleted_at(session, row.id, to_millis(row.deleted_at))
        row.lifecycle, row.deleted_at, row.updated_at = Lifecycle.ACTIVE.value, None, utcnow()
        session.flush()
    return experiment_view(
        row, found.project.name, store.tags_of(session, [row.id]).get(row.id, {})
    )
