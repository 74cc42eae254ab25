"""pursuit of wanted persons: pursuit files, steps, treaties, operations, targets, public appeals, tips

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
