"""Governance: token rate limits

Revision ID: 0012_token_limits
Revises: 0001
Create Date: 2026-11-23 17:13:02.902924
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_token_limits"
down_revision = "0001"
branch_labels = ("governance",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_per_second", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("rate_burst", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("rate_burst")
        batch_op.drop_column("rate_per_second")
