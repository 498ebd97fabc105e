"""Pipelines: run options (executor, Ray address) on runs, schedules and triggers

Revision ID: 0013_pipeline_run_options
Revises: 0007_pipelines
Create Date: 2026-11-23 17:10:28.162466
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_pipeline_run_options"
down_revision = "0007_pipelines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_options", sa.JSON(), nullable=True))

    with op.batch_alter_table("pipeline_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_options", sa.JSON(), nullable=True))

    with op.batch_alter_table("pipeline_triggers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_options", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pipeline_triggers", schema=None) as batch_op:
        batch_op.drop_column("run_options")

    with op.batch_alter_table("pipeline_schedules", schema=None) as batch_op:
        batch_op.drop_column("run_options")

    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.drop_column("run_options")
