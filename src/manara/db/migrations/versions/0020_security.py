"""security: audit credentials, who minted a key or set a password, biometric decisions tied to a search

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "credential",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minted_by", sa.String(length=36), nullable=True))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_set_by", sa.String(length=36), nullable=True))
    with op.batch_alter_table("biometric_verification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_seq", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_biometric_verification_search_seq_template_id"), ["search_seq", "template_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("biometric_verification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_biometric_verification_search_seq_template_id"), type_="unique")
        batch_op.drop_column("search_seq")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("password_set_by")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("minted_by")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("credential")
