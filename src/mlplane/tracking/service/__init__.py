"""Tracking's rules and transactions: the only entry for routes and other subsystems.

Every function takes the caller's session and principal. Experiments and runs are found
by id; where a `project` is given (the native API) it must contain them, where it is None
(the MLflow-compatible API) their project is looked up and the caller's role checked there.
"""

from mlplane.tracking.service.artifacts import (
    artifact_root_for_read,
    artifact_root_for_write,
    list_artifacts,
    open_artifact,
    upload_artifact,
)
from mlplane.tracking.service.experiments import (
    create_experiment,
    delete_experiment,
    delete_experiment_tag,
    get_experiment,
    get_or_create_experiment,
    restore_experiment,
    search_experiments,
    set_experiment_tag,
    update_experiment,
)
from mlplane.tracking.service.logging import (
    check_batch,
    delete_tag,
    log_batch,
    log_inputs,
    set_tag,
)
from mlplane.tracking.service.metrics import get_metric_histories, get_metric_history
from mlplane.tracking.service.runs import (
    create_run,
    delete_run,
    get_run,
    restore_run,
    search_runs,
    update_run,
)

__all__ = [
    "artifact_root_for_read",
    "artifact_root_for_write",
    "check_batch",
    "create_experiment",
    "create_run",
    "delete_experiment",
    "delete_experiment_tag",
    "delete_run",
    "delete_tag",
    "get_experiment",
    "get_metric_histories",
    "get_metric_history",
    "get_or_create_experiment",
    "get_run",
    "list_artifacts",
    "log_batch",
    "log_inputs",
    "open_artifact",
    "restore_experiment",
    "restore_run",
    "search_experiments",
    "search_runs",
    "set_experiment_tag",
    "set_tag",
    "update_experiment",
    "update_run",
    "upload_artifact",
]
