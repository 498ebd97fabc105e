"""Experiments, runs, params and latest metrics as tables of SQL analytics.

`SELECT r.name, m.value FROM runs r JOIN run_metrics m ON m.run_id = r.id WHERE m.key =
'accuracy'` ranks runs across every project the caller can view; times are epoch
milliseconds, as in MLflow.
"""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy.orm import Session

from mlplane.data.service.sql_tables import TIMESTAMP, PlatformTable, arrow_table
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal
from mlplane.tracking.store import exports


def _experiments(session: Session, principal: Principal) -> pa.Table:
    records = exports.experiment_records(
        session, governance.visible_project_ids(session, principal)
    )
    return arrow_table(
        records,
        [
            ("id", pa.string()),
            ("project", pa.string()),
            ("name", pa.string()),
            ("lifecycle", pa.string()),
            ("created_at", TIMESTAMP),
            ("created_by", pa.string()),
        ],
    )


def _runs(session: Session, principal: Principal) -> pa.Table:
    records = exports.run_records(session, governance.visible_project_ids(session, principal))
    return arrow_table(
        records,
        [
            ("id", pa.string()),
            ("project", pa.string()),
            ("experiment", pa.string()),
            ("name", pa.string()),
            ("status", pa.string()),
            ("user", pa.string()),
            ("start_time", pa.int64()),
            ("end_time", pa.int64()),
            ("source_name", pa.string()),
            ("git_commit", pa.string()),
            ("parent_run_id", pa.string()),
            ("lifecycle", pa.string()),
        ],
    )


def _params(session: Session, principal: Principal) -> pa.Table:
    records = exports.param_records(session, governance.visible_project_ids(session, principal))
    return arrow_table(
        records, [("run_id", pa.string()), ("key", pa.string()), ("value", pa.string())]
    )


def _metrics(session: Session, principal: Principal) -> pa.Table:
    visible = governance.visible_project_ids(session, principal)
    return arrow_table(
        exports.latest_metric_records(session, visible),
        [
            ("run_id", pa.string()),
            ("key", pa.string()),
            ("value", pa.float64()),
            ("step", pa.int64()),
            ("timestamp", pa.int64()),
        ],
    )


SQL_TABLES = [
    PlatformTable("experiments", "Experiments of projects you can view.", _experiments),
    PlatformTable("runs", "Runs of projects you can view (times in epoch ms).", _runs),
    PlatformTable("run_params", "Params of those runs.", _params),
    PlatformTable(
        "run_metrics", "The latest value of each metric of those runs (NaN as NULL).", _metrics
    ),
]
