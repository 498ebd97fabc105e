"""Rows for logged models and their links to runs. Times are epoch milliseconds, as runs'."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base


class LoggedModelRow(Base):
    __tablename__ = "tracking_logged_models"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    experiment_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_experiments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(250))
    model_type: Mapped[str] = mapped_column(String(250), default="")
    source_run_id: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str] = mapped_column(Text, default="")
    artifact_location: Mapped[str] = mapped_column(String(1000))
    lifecycle: Mapped[str] = mapped_column(String(16), default="active")
    created_by: Mapped[str] = mapped_column(String(63))
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_updated_time: Mapped[int] = mapped_column(BigInteger)


class LoggedModelParamRow(Base):
    __tablename__ = "tracking_logged_model_params"
    __table_args__ = (PrimaryKeyConstraint("model_id", "key"),)

    model_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_logged_models.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[str] = mapped_column(Text)


class LoggedModelTagRow(Base):
    __tablename__ = "tracking_logged_model_tags"
    __table_args__ = (PrimaryKeyConstraint("model_id", "key"),)

    model_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_logged_models.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[str] = mapped_column(Text)


class RunModelRow(Base):
    """A run that produced a model (`output`, at a step) or used one (`input`)."""

    __tablename__ = "tracking_run_models"
    __table_args__ = (PrimaryKeyConstraint("run_id", "model_id", "direction"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_logged_models.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(8))
    step: Mapped[int] = mapped_column(BigInteger, default=0)
