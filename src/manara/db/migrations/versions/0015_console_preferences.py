"""console: a user's display preference (auto, light, dark, high contrast), remembered across devices

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("theme", sa.String(length=16), server_default="auto", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("theme")
