"""the audit chain's head row exists from the start, so every append locks it

Before, the first append inserted the head row; two processes appending the very first events both
found no row to lock (``SELECT … FOR UPDATE`` locks nothing that is absent) and numbered from 1.

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-29 11:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    # A database that already has events has its head row (it was written with the first event).
    op.execute(
        sa.text(
            "INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, :genesis "
            "WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)"
        ).bindparams(genesis=GENESIS)
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM audit_head WHERE id = 1 AND seq = 0"))
