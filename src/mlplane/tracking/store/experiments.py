"""Queries on experiments and their tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from mlplane.tracking.store.dialect import upsert_insert
from mlplane.tracking.tables import ExperimentRow, ExperimentTagRow, RunRow


def get_experiment(session: Session, experiment_id: str) -> ExperimentRow | None:
    return session.get(ExperimentRow, experiment_id)


def get_experiment_by_name(session: Session, project_id: str, name: str) -> ExperimentRow | None:
    query = select(ExperimentRow).where(
        ExperimentRow.project_id == project_id, ExperimentRow.name == name
    )
    return session.scalars(query).first()


def experiment_ids_by_reference(
    session: Session, project_id: str, references: Sequence[str]
) -> dict[str, str]:
    """Map each id or name among `references` to the experiment id it names in the project."""
    query = select(ExperimentRow.id, ExperimentRow.name).where(
        ExperimentRow.project_id == project_id,
        ExperimentRow.id.in_(references) | ExperimentRow.name.in_(references),
    )
    found: dict[str, str] = {}
    for experiment_id, name in session.execute(query):
        found.setdefault(experiment_id, experiment_id)
        found.setdefault(name, experiment_id)
    return found


def experiment_ids_of_project(session: Session, project_id: str) -> list[str]:
    query = select(ExperimentRow.id).where(ExperimentRow.project_id == project_id)
    return list(session.scalars(query))


def tags_of(session: Session, experiment_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    if not experiment_ids:
        return tags
    query = select(ExperimentTagRow.experiment_id, ExperimentTagRow.key, ExperimentTagRow.value)
    query = query.where(ExperimentTagRow.experiment_id.in_(experiment_ids))
    for experiment_id, key, value in session.execute(query):
        tags[experiment_id][key] = value
    return tags


def replace_tags(session: Session, experiment_id: str, tags: Mapping[str, str]) -> None:
    session.execute(delete(ExperimentTagRow).where(ExperimentTagRow.experiment_id == experiment_id))
    if tags:
        rows = [
            {"experiment_id": experiment_id, "key": key, "value": value}
            for key, value in tags.items()
        ]
        session.execute(insert(ExperimentTagRow), rows)


def set_tag(session: Session, experiment_id: str, key: str, value: str) -> None:
    statement = upsert_insert(session, ExperimentTagRow.__table__).values(
        experiment_id=experiment_id, key=key, value=value
    )
    statement = statement.on_conflict_do_update(
        index_elements=["experiment_id", "key"], set_={"value": statement.excluded.value}
    )
    session.execute(statement)


def delete_tag(session: Session, experiment_id: str, key: str) -> bool:
    result = session.execute(
        delete(ExperimentTagRow).where(
            ExperimentTagRow.experiment_id == experiment_id, ExperimentTagRow.key == key
        )
    )
    return bool(getattr(result, "rowcount", 0))


def delete_active_runs(session: Session, experiment_id: str, deleted_time: int) -> None:
    session.execute(
        update(RunRow)
        .where(RunRow.experiment_id == experiment_id, RunRow.lifecycle == "active")
        .values(lifecycle="deleted", deleted_time=deleted_time)
    )


def restore_runs_deleted_at(session: Session, experiment_id: str, deleted_time: int) -> None:
    """Bring back the runs deleted together with their experiment, not those deleted before."""
    session.execute(
        update(RunRow)
        .where(
            RunRow.experiment_id == experiment_id,
            RunRow.lifecycle == "deleted",
            RunRow.deleted_time == deleted_time,
        )
        .values(lifecycle="active", deleted_time=None)
    )
