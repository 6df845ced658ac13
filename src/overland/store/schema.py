"""The tables: tokens, reports and the times of each report's stages, and the store's keys (SQLAlchemy 2).

Times are kept in UTC (a plain timestamp column, the same on SQLite and PostgreSQL)
next to the UTC offset, in minutes, they were given in, so a report reads back as it was
written: ``2026-11-27T14:05:00+08:00``. A token is kept only as its SHA-256 digest.
A report sent without a token waits (``pending``) until a moderator approves it; the
address it came from is kept only as a keyed digest (HMAC-SHA256 with the store's
``address`` key, made by the migration), for the rate limit, and forgotten after a day.
A report sent with an ``Idempotency-Key`` leaves the key, its sender and its body's digest
for a day, so that a retry is answered with the same report instead of storing another.
The migrations in ``migrations/versions`` create exactly these tables (a test compares).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

OUTCOMES = ("crossed", "turned-back", "closed")
REVISION = "0003"  # the newest migration in migrations/versions (a test checks): a store at it needs no Alembic

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as a naive UTC timestamp and read back as aware UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            msg = f"time {value.isoformat()} has no UTC offset: the store keeps aware times only"
            raise ValueError(msg)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Token(Base):
    """Who may submit reports: a name and the SHA-256 digest of the secret (never the secret)."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    moderator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Report(Base):
    """One crossing as a traveller reported it.

    Shown, and used by the plans, when neither ``pending`` (sent without a token, not yet
    approved) nor ``hidden`` (moderated away, or rejected).
    """

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("outcome IN ('crossed', 'turned-back', 'closed')", name="outcome"),
        Index("ix_reports_crossing_day", "crossing", "day"),
        Index("ix_reports_address_created", "address_digest", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crossing: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("tokens.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    address_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    stages: Mapped[list[ReportStage]] = relationship(
        back_populates="report", order_by="ReportStage.position", cascade="all, delete-orphan", lazy="selectin"
    )


class StoreKey(Base):
    """A secret of this database, made by the migration that needs it (``address``: the key of the
    address digests). Kept in the database so every worker and every restart digests alike."""

    __tablename__ = "store_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key`` for a report it sent, kept a day: who sent it (``token:ID`` or
    ``address:DIGEST``), the SHA-256 of the body, and the report it made."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("sender", "key", name="uq_idempotency_keys_sender_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(100))
    body_digest: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ReportStage(Base):
    """The times a report gives for one stage, each in UTC with the offset it was given in."""

    __tablename__ = "report_stages"
    __table_args__ = (UniqueConstraint("report_id", "position", name="uq_report_stages_report_id_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(64), index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    arrived_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    started_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)

    report: Mapped[Report] = relationship(back_populates="stages")

    def time(self, name: str) -> datetime | None:
        """``arrived``, ``started`` or ``finished`` as given: the UTC time shown at its original offset."""
        moment: datetime | None = getattr(self, f"{name}_at")
        offset: int | None = getattr(self, f"{name}_offset")
        if moment is None:
            return None
        return moment.astimezone(timezone(timedelta(minutes=offset or 0)))

    def set_time(self, name: str, moment: datetime | None) -> None:
        """Keep ``moment`` (aware) as UTC and its offset in minutes."""
        if moment is None:
            setattr(self, f"{name}_at", None)
            setattr(self, f"{name}_offset", None)
            return
        offset = moment.utcoffset()
        if offset is None:
            msg = f"time {moment.isoformat()} has no UTC offset"
            raise ValueError(msg)
        setattr(self, f"{name}_at", moment)
        setattr(self, f"{name}_offset", int(offset.total_seconds() // 60))
