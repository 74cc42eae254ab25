"""threat assessments: crime areas on notices, cases and subjects; assessments, indicators, judgements, snapshots

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
