"""live console: queue escalation and acknowledgement state; an index for notice counts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 02:12:50.327412
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import manara.db.base


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_acknowledgement",
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("acknowledged_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "item_id", "country", name=op.f("pk_queue_acknowledgement")),
    )
    op.create_table(
        "queue_escalation",
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("deadline_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "item_id", name=op.f("pk_queue_escalation")),
    )
    with op.batch_alter_table("queue_escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_escalation_escalated_at"), ["escalated_at"], unique=False)
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notice_distribution", ["status", "visibility", "owner_country", "under_review", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_distribution")

    with op.batch_alter_table("queue_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_escalation_escalated_at"))

    op.drop_table("queue_escalation")
    op.drop_table("queue_acknowledgement")
