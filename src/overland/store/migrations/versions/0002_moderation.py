"""Reports from anyone, moderated: pending reports, the sender's address as a keyed digest,
moderator tokens, and the store's keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from overland.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("address_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reviewed_at", UTCDateTime(), nullable=True))
        batch.create_index(batch.f("ix_reports_pending"), ["pending"], unique=False)
        batch.create_index("ix_reports_address_created", ["address_digest", "created_at"], unique=False)
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("moderator", sa.Boolean(), server_default=sa.false(), nullable=False))
    keys = op.create_table(
        "store_keys",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_keys")),
    )
    op.bulk_insert(keys, [{"name": "address", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("store_keys")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("moderator")
    op.execute("DELETE FROM reports WHERE pending")  # reports nobody approved leave with the queue
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_address_created")
        batch.drop_index(batch.f("ix_reports_pending"))
        batch.drop_column("reviewed_at")
        batch.drop_column("address_digest")
        batch.drop_column("pending")
