"""cyber indicators and observables, STIX/TAXII collections, MISP events, KEV reference feed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
