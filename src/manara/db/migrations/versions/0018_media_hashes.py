"""media: hash banks, hashes, match reports

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 21:10:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _time() -> manara.db.base.UTCDateTime:
    return manara.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "media_bank",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("labels", _json(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("shared_with", _json(), nullable=False),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        sa.Column("keep_sightings", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_bank")),
        sa.UniqueConstraint("owner_country", "name", name="uq_media_bank_owner_name"),
    )
    with op.batch_alter_table("media_bank", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_bank_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "media_hash",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bank_id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("signal_type", sa.String(length=16), nullable=False),
        sa.Column("signal", sa.Text(), nullable=False),
        sa.Column("signal_key", sa.String(length=64), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("labels", _json(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=36), nullable=False),
        sa.Column("added_at", _time(), nullable=False),
        sa.Column("changed_by", sa.String(length=36), nullable=True),
        sa.Column("changed_at", _time(), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["media_bank.id"], name=op.f("fk_media_hash_bank_id_media_bank"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_hash")),
        sa.UniqueConstraint("bank_id", "signal_type", "signal_key", name="uq_media_hash_bank_signal"),
    )
    with op.batch_alter_table("media_hash", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_hash_bank_id"), ["bank_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_hash_owner_country"), ["owner_country"], unique=False)
        batch_op.create_index("ix_media_hash_lookup", ["signal_type", "signal_key"], unique=False)

    op.create_table(
        "media_match",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("querying_country", sa.String(length=2), nullable=False),
        sa.Column("querying_user_id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("bank_id", sa.String(length=36), nullable=False),
        sa.Column("hash_id", sa.String(length=36), nullable=False),
        sa.Column("signal_type", sa.String(length=16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("query_share", sa.Float(), nullable=True),
        sa.Column("target_share", sa.Float(), nullable=True),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("context", sa.String(length=200), nullable=False),
        sa.Column("sighting", sa.Text(), nullable=True),
        sa.Column("feedback", sa.String(length=16), nullable=False),
        sa.Column("feedback_by", sa.String(length=36), nullable=True),
        sa.Column("feedback_at", _time(), nullable=True),
        sa.Column("feedback_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["media_bank.id"], name=op.f("fk_media_match_bank_id_media_bank"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hash_id"], ["media_hash.id"], name=op.f("fk_media_match_hash_id_media_hash"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_match")),
    )
    with op.batch_alter_table("media_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_match_bank_id"), ["bank_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_match_hash_id"), ["hash_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_match_querying_country"), ["querying_country"], unique=False)
        batch_op.create_index("ix_media_match_owner_feedback", ["owner_country", "feedback"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_match", schema=None) as batch_op:
        batch_op.drop_index("ix_media_match_owner_feedback")
        batch_op.drop_index(batch_op.f("ix_media_match_querying_country"))
        batch_op.drop_index(batch_op.f("ix_media_match_hash_id"))
        batch_op.drop_index(batch_op.f("ix_media_match_bank_id"))
    op.drop_table("media_match")
    with op.batch_alter_table("media_hash", schema=None) as batch_op:
        batch_op.drop_index("ix_media_hash_lookup")
        batch_op.drop_index(batch_op.f("ix_media_hash_owner_country"))
        batch_op.drop_index(batch_op.f("ix_media_hash_bank_id"))
    op.drop_table("media_hash")
    with op.batch_alter_table("media_bank", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_bank_owner_country"))
    op.drop_table("media_bank")
