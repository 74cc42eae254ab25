"""server-side console sessions (revocation), sign-in throttling, OpenID Connect identities of users

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
