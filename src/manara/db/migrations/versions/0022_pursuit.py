"""pursuit of wanted persons: pursuit files, steps, treaties, operations, targets, public appeals, tips

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# The treaty registry's first instruments (kept afterwards with ``POST /api/v1/treaties``). Time allowed for the
# extradition request after a provisional arrest, and how far the requested party may extend it:
# - European Convention on Extradition (Paris, 13 December 1957, ETS No. 24), art. 16(4): provisional arrest
#   may be terminated if the request has not been received within 18 days after arrest; it shall not exceed
#   40 days from arrest (so up to 22 more days).
# - Riyadh Arab Agreement for Judicial Cooperation (6 April 1983), Part VI (extradition), provisional arrest
#   (art. 41 of the English text): the person is released if the request and its documents have not arrived
#   within 30 days of arrest. Parties listed: League of Arab States members that ratified it (Egypt did not).
# - Extradition Treaty between the United Kingdom and the United States (31 March 2003), art. 12(4): the person
#   may be discharged 60 days after provisional arrest if the request has not been received (bilateral example).
SEED = [
    {
        "id": "ece-1957",
        "name": "European Convention on Extradition (1957, ETS No. 24)",
        "kind": "multilateral",
        "parties": [
            "AL",
            "AD",
            "AM",
            "AT",
            "AZ",
            "BE",
            "BA",
            "BG",
            "HR",
            "CY",
            "CZ",
            "DK",
            "EE",
            "FI",
            "FR",
            "GE",
            "DE",
            "GR",
            "HU",
            "IS",
            "IE",
            "IT",
            "LV",
            "LI",
            "LT",
            "LU",
            "MT",
            "MD",
            "MC",
            "ME",
            "NL",
            "MK",
            "NO",
            "PL",
            "PT",
            "RO",
            "SM",
            "RS",
            "SK",
            "SI",
            "ES",
            "SE",
            "CH",
            "TR",
            "UA",
            "GB",
            "IL",
            "ZA",
            "KR",
        ],
        "request_days": 18,
        "extension_days": 22,
        "article": "art. 16(4): 18 days, at most 40 days from arrest",
    },
    {
        "id": "riyadh-1983",
        "name": "Riyadh Arab Agreement for Judicial Cooperation (1983)",
        "kind": "multilateral",
        "parties": [
            "DZ",
            "BH",
            "DJ",
            "IQ",
            "JO",
            "KM",
            "KW",
            "LB",
            "LY",
            "MA",
            "MR",
            "OM",
            "PS",
            "QA",
            "SA",
            "SD",
            "SO",
            "SY",
            "TN",
            "AE",
            "YE",
        ],
        "request_days": 30,
        "extension_days": 0,
        "article": "Part VI, provisional arrest (art. 41): 30 days from arrest",
    },
    {
        "id": "uk-us-2003",
        "name": "Extradition Treaty between the United Kingdom and the United States (2003)",
        "kind": "bilateral",
        "parties": ["GB", "US"],
        "request_days": 60,
        "extension_days": 0,
        "article": "art. 12(4): 60 days from provisional arrest",
    },
]


def upgrade() -> None:
    op.create_table(
        "pursuit_operation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit_operation")),
        sa.UniqueConstraint("owner_country", "code", name=op.f("uq_pursuit_operation_owner_country_code")),
    )
    with op.batch_alter_table("pursuit_operation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_operation_owner_country"), ["owner_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_pursuit_operation_status"), ["status"], unique=False)

    op.create_table(
        "pursuit_treaty",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "parties", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("request_days", sa.Integer(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("article", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit_treaty")),
    )
    op.create_table(
        "pursuit_operation_member",
        sa.Column("operation_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["country"], ["member.code"], name=op.f("fk_pursuit_operation_member_country_member")),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["pursuit_operation.id"],
            name=op.f("fk_pursuit_operation_member_operation_id_pursuit_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("operation_id", "country", name=op.f("pk_pursuit_operation_member")),
    )
    with op.batch_alter_table("pursuit_operation_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_operation_member_country"), ["country"], unique=False)

    op.create_table(
        "public_appeal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("notice_id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column(
            "released", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_public_appeal_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_appeal")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_public_appeal_notice_id")),
    )
    with op.batch_alter_table("public_appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_appeal_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_appeal_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "pursuit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("notice_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("notice_type", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("located_by", sa.String(length=2), nullable=True),
        sa.Column("hit_id", sa.String(length=36), nullable=True),
        sa.Column("arrested_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("treaty_id", sa.String(length=40), nullable=True),
        sa.Column("deadline_default", sa.Boolean(), nullable=False),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("closed_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_pursuit_notice_id_notice")),
        sa.ForeignKeyConstraint(["treaty_id"], ["pursuit_treaty.id"], name=op.f("fk_pursuit_treaty_id_pursuit_treaty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_pursuit_notice_id")),
    )
    with op.batch_alter_table("pursuit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_deadline_at"), ["deadline_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pursuit_owner_country"), ["owner_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_pursuit_state"), ["state"], unique=False)

    op.create_table(
        "pursuit_target",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("operation_id", sa.String(length=36), nullable=False),
        sa.Column("notice_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("notice_owner", sa.String(length=2), nullable=False),
        sa.Column("responsible_country", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("arrested_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_pursuit_target_notice_id_notice")),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["pursuit_operation.id"],
            name=op.f("fk_pursuit_target_operation_id_pursuit_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit_target")),
        sa.UniqueConstraint("operation_id", "notice_id", name=op.f("uq_pursuit_target_operation_id_notice_id")),
    )
    with op.batch_alter_table("pursuit_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_target_arrested_at"), ["arrested_at"], unique=False)
        batch_op.create_index(
            "ix_pursuit_target_board", ["operation_id", "responsible_country", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pursuit_target_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index("ix_pursuit_target_recent", ["operation_id", "updated_at"], unique=False)

    op.create_table(
        "public_tip",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("appeal_id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("contact_purged_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["public_appeal.id"], name=op.f("fk_public_tip_appeal_id_public_appeal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_tip")),
    )
    with op.batch_alter_table("public_tip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_tip_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index("ix_public_tip_client", ["client_key", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_tip_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_tip_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "pursuit_member",
        sa.Column("pursuit_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("joined_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country"], ["member.code"], name=op.f("fk_pursuit_member_country_member")),
        sa.ForeignKeyConstraint(
            ["pursuit_id"], ["pursuit.id"], name=op.f("fk_pursuit_member_pursuit_id_pursuit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pursuit_id", "country", name=op.f("pk_pursuit_member")),
    )
    with op.batch_alter_table("pursuit_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_member_country"), ["country"], unique=False)

    op.create_table(
        "pursuit_sighting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pursuit_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("seen_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pursuit_id"], ["pursuit.id"], name=op.f("fk_pursuit_sighting_pursuit_id_pursuit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit_sighting")),
    )
    with op.batch_alter_table("pursuit_sighting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_sighting_pursuit_id"), ["pursuit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pursuit_sighting_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "pursuit_step",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pursuit_id", sa.String(length=36), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pursuit_id"], ["pursuit.id"], name=op.f("fk_pursuit_step_pursuit_id_pursuit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_pursuit_step")),
    )
    with op.batch_alter_table("pursuit_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_step_pursuit_id"), ["pursuit_id"], unique=False)

    op.create_table(
        "public_tip_attachment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tip_id", sa.String(length=36), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["public_tip.id"], name=op.f("fk_public_tip_attachment_tip_id_public_tip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_tip_attachment")),
    )
    with op.batch_alter_table("public_tip_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_tip_attachment_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "pursuit_document",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pursuit_id", sa.String(length=36), nullable=False),
        sa.Column("step_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pursuit_id"], ["pursuit.id"], name=op.f("fk_pursuit_document_pursuit_id_pursuit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_seq"], ["pursuit_step.seq"], name=op.f("fk_pursuit_document_step_seq_pursuit_step")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pursuit_document")),
    )
    with op.batch_alter_table("pursuit_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pursuit_document_pursuit_id"), ["pursuit_id"], unique=False)

    # ### end Alembic commands ###

    treaty = sa.table(
        "pursuit_treaty",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("parties", sa.JSON),
        sa.column("request_days", sa.Integer),
        sa.column("extension_days", sa.Integer),
        sa.column("article", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("created_at", manara.db.base.UTCDateTime(timezone=True)),
        sa.column("updated_at", manara.db.base.UTCDateTime(timezone=True)),
    )
    now = manara.db.base.utcnow()
    op.bulk_insert(treaty, [{**row, "active": True, "created_at": now, "updated_at": now} for row in SEED])


def downgrade() -> None:
    op.drop_table("pursuit_document")
    op.drop_table("public_tip_attachment")
    op.drop_table("pursuit_step")
    op.drop_table("pursuit_sighting")
    op.drop_table("pursuit_member")
    op.drop_table("public_tip")
    op.drop_table("pursuit_target")
    op.drop_table("pursuit")
    op.drop_table("public_appeal")
    op.drop_table("pursuit_operation_member")
    op.drop_table("pursuit_treaty")
    op.drop_table("pursuit_operation")
