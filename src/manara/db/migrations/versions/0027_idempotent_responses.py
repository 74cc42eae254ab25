"""Idempotency-Key on every creating request: the first answer to a (credential, key) pair, kept for replay

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 01:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manara.db.base import UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_response",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("route", sa.String(300), nullable=False),
        sa.Column("digest", sa.String(64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_index("ix_idempotent_response_created_at", "idempotent_response", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotent_response_created_at", table_name="idempotent_response")
    op.drop_table("idempotent_response")
