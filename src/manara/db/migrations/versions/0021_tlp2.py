"""TLP 2.0 everywhere: a case's marking may be TLP:AMBER+STRICT (the column is widened to hold it)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 00:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.alter_column(
            "tlp", existing_type=sa.String(length=8), type_=sa.String(length=16), existing_nullable=False
        )


def downgrade() -> None:
    op.execute("UPDATE case_file SET tlp = 'amber' WHERE tlp = 'amber+strict'")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.alter_column(
            "tlp", existing_type=sa.String(length=16), type_=sa.String(length=8), existing_nullable=False
        )
