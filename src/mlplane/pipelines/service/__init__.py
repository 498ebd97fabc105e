"""The pipelines subsystem's rules and transactions: the only entry for routes and others."""

from mlplane.pipelines.service.automation import (
    create_schedule,
    create_trigger,
    delete_schedule,
    delete_trigger,
    get_schedule,
    list_schedules,
    list_triggers,
    next_time,
    queued_runs,
    tick_schedules,
    tick_triggers,
)
from mlplane.pipelines.service.runs import (
    create_run,
    finish_run,
    get_run,
    get_step_output,
    list_cached_keys,
    list_runs,
    lookup_cache,
    report_steps,
    start_queued_run,
)

__all__ = [
    "create_run",
    "create_schedule",
    "create_trigger",
    "delete_schedule",
    "delete_trigger",
    "finish_run",
    "get_run",
    "get_schedule",
    "get_step_output",
    "list_cached_keys",
    "list_runs",
    "list_schedules",
    "list_triggers",
    "lookup_cache",
    "next_time",
    "queued_runs",
    "report_steps",
    "start_queued_run",
    "tick_schedules",
    "tick_triggers",
]
