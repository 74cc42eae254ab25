"""an index for the console's notice list: newest first, keyset pagination

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-29 05:30:00.000000
"""

from __future__ import annotations

from alembic import op


revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_type_updated", ["type", "updated_at", "id"], unique=False)
        batch_op.create_index("ix_notice_updated", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_updated")
        batch_op.drop_index("ix_notice_type_updated")
