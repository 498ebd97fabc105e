"""Deployments: payload capture settings (sample rate, redacted fields)

Revision ID: 0014_deployments_capture
Revises: 0009_deployments
Create Date: 2026-11-23 17:14:41.512204
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_deployments_capture"
down_revision = "0009_deployments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload_sample_rate", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("redact", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.drop_column("redact")
        batch_op.drop_column("payload_sample_rate")
