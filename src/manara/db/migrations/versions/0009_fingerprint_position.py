"""fingerprint position on biometric templates

Revision ID: 0009
Revises: 0011
Create Date: 2026-11-29 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("biometric_template", sa.Column("finger_position", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("biometric_template") as batch_op:
        batch_op.drop_column("finger_position")
