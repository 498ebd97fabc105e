"""Serving: shadow calls in the inference log, mirror shares and payload capture on served models

Revision ID: 0011_serving_shadow
Revises: 0010_serving_rollups
Create Date: 2026-11-23 17:12:06.979911
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_serving_shadow"
down_revision = "0010_serving_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("serving_inference_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shadow", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("serving_models", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mirror_percent", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("payload_sample_rate", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("redact", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("serving_models", schema=None) as batch_op:
        batch_op.drop_column("redact")
        batch_op.drop_column("payload_sample_rate")
        batch_op.drop_column("mirror_percent")

    with op.batch_alter_table("serving_inference_log", schema=None) as batch_op:
        batch_op.drop_column("shadow")
