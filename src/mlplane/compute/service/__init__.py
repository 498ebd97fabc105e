"""Compute's rules and transactions: pools, jobs, quotas, cost, and the worker's side of jobs.

Every caller-facing function takes the caller's session and principal.
"""

from mlplane.compute.service.cost import platform_cost, project_cost
from mlplane.compute.service.jobs import cancel_job, get_job, get_logs, list_jobs, submit_job
from mlplane.compute.service.lifecycle import (
    ClaimedJob,
    LostJob,
    append_logs,
    cancel_requested,
    claim_jobs,
    end_attempt,
    pending_work,
    reap_lost_jobs,
    renew_leases,
    set_external_id,
)
from mlplane.compute.service.pools import (
    DEFAULT_POOL,
    create_pool,
    ensure_default_pool,
    get_pool,
    list_pools,
    update_pool,
)
from mlplane.compute.service.quotas import get_quota, set_quota
from mlplane.compute.service.studies import get_study, list_studies, param_importance

__all__ = [
    "DEFAULT_POOL",
    "ClaimedJob",
    "LostJob",
    "append_logs",
    "cancel_job",
    "cancel_requested",
    "claim_jobs",
    "create_pool",
    "end_attempt",
    "ensure_default_pool",
    "get_job",
    "get_logs",
    "get_pool",
    "get_quota",
    "get_study",
    "list_jobs",
    "list_pools",
    "list_studies",
    "param_importance",
    "pending_work",
    "platform_cost",
    "project_cost",
    "reap_lost_jobs",
    "renew_leases",
    "set_external_id",
    "set_quota",
    "submit_job",
    "update_pool",
]
