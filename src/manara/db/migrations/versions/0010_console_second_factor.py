"""console second factor: encrypted TOTP secret, confirmation time and last accepted step on users

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import manara.db.base


revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("totp_confirmed_at", manara.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")
