"""What a filter or an ordering may name, for runs and for experiments.

An identifier is `entity.key`: `metrics.acc`, `params.lr`, `tags.team`,
`attributes.status`, `datasets.context`. Attributes may also be written bare (`status`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Entity(StrEnum):
    METRIC = "metrics"
    PARAM = "params"
    TAG = "tags"
    ATTRIBUTE = "attributes"
    DATASET = "datasets"


class Kind(StrEnum):
    NUMBER = "number"
    STRING = "string"


ENTITY_ALIASES: dict[str, Entity] = {
    "metric": Entity.METRIC,
    "metrics": Entity.METRIC,
    "param": Entity.PARAM,
    "params": Entity.PARAM,
    "parameter": Entity.PARAM,
    "parameters": Entity.PARAM,
    "tag": Entity.TAG,
    "tags": Entity.TAG,
    "attribute": Entity.ATTRIBUTE,
    "attributes": Entity.ATTRIBUTE,
    "attr": Entity.ATTRIBUTE,
    "run": Entity.ATTRIBUTE,
    "dataset": Entity.DATASET,
    "datasets": Entity.DATASET,
}


@dataclass(frozen=True)
class Target:
    """The fields of one kind of resource that filters and orderings may use."""

    name: str
    entities: frozenset[Entity]
    attributes: dict[str, Kind]
    attribute_aliases: dict[str, str]
    dataset_fields: frozenset[str] = frozenset()

    def attribute(self, name: str) -> str | None:
        canonical = self.attribute_aliases.get(name, name)
        return canonical if canonical in self.attributes else None

    def kind_of(self, entity: Entity, key: str) -> Kind:
        if entity is Entity.METRIC:
            return Kind.NUMBER
        if entity is Entity.ATTRIBUTE:
            return self.attributes[key]
        return Kind.STRING


RUNS = Target(
    name="runs",
    entities=frozenset(Entity),
    attributes={
        "run_id": Kind.STRING,
        "run_name": Kind.STRING,
        "status": Kind.STRING,
        "user": Kind.STRING,
        "start_time": Kind.NUMBER,
        "end_time": Kind.NUMBER,
        "artifact_uri": Kind.STRING,
        "experiment_id": Kind.STRING,
        "parent_run_id": Kind.STRING,
        "source_name": Kind.STRING,
        "source_type": Kind.STRING,
        "git_commit": Kind.STRING,
        "lifecycle": Kind.STRING,
    },
    attribute_aliases={
        "run_uuid": "run_id",
        "id": "run_id",
        "name": "run_name",
        "user_id": "user",
        "created": "start_time",
        "Created": "start_time",
        "lifecycle_stage": "lifecycle",
    },
    dataset_fields=frozenset({"name", "digest", "context"}),
)

EXPERIMENTS = Target(
    name="experiments",
    entities=frozenset({Entity.ATTRIBUTE, Entity.TAG}),
    attributes={
        "experiment_id": Kind.STRING,
        "name": Kind.STRING,
        "creation_time": Kind.NUMBER,
        "last_update_time": Kind.NUMBER,
        "lifecycle": Kind.STRING,
    },
    attribute_aliases={
        "id": "experiment_id",
        "created_at": "creation_time",
        "updated_at": "last_update_time",
        "lifecycle_stage": "lifecycle",
    },
)
