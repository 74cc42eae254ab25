"""cyber indicators and observables, STIX/TAXII collections, MISP events, KEV reference feed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, manara.db.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cyber_indicator",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("stix_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("value_key", sa.String(length=2048), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("malware", sa.String(length=200), nullable=False),
        sa.Column("threat_actor", sa.String(length=200), nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("shared_with", JSON, nullable=False),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        _when("first_seen", True),
        _when("last_seen", True),
        sa.Column("source", sa.String(length=300), nullable=False),
        _when("date_added"),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_cyber_indicator")),
        sa.UniqueConstraint("id", name=op.f("uq_cyber_indicator_id")),
        sa.UniqueConstraint(
            "owner_country", "kind", "value_key", name=op.f("uq_cyber_indicator_owner_country_kind_value_key")
        ),
    )
    with op.batch_alter_table("cyber_indicator", schema=None) as batch_op:
        batch_op.create_index("ix_cyber_indicator_feed", ["date_added", "seq"], unique=False)
        batch_op.create_index("ix_cyber_indicator_match", ["kind", "value_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cyber_indicator_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "cyber_link",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["cyber_indicator.id"],
            name=op.f("fk_cyber_link_indicator_id_cyber_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cyber_link")),
        sa.UniqueConstraint(
            "indicator_id", "target_kind", "target_id", name=op.f("uq_cyber_link_indicator_id_target_kind_target_id")
        ),
    )
    with op.batch_alter_table("cyber_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyber_link_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cyber_link_target_id"), ["target_id"], unique=False)

    op.create_table(
        "cyber_kev",
        sa.Column("cve_id", sa.String(length=24), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("date_added", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required_action", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("ransomware", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("cwes", JSON, nullable=False),
        sa.PrimaryKeyConstraint("cve_id", name=op.f("pk_cyber_kev")),
    )
    op.create_table(
        "cyber_kev_citation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("cve_id", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cited_by", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        _when("cited_at"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_cyber_kev_citation_case_id_case_file"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["cve_id"], ["cyber_kev.cve_id"], name=op.f("fk_cyber_kev_citation_cve_id_cyber_kev")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cyber_kev_citation")),
        sa.UniqueConstraint("case_id", "cve_id", name=op.f("uq_cyber_kev_citation_case_id_cve_id")),
    )
    with op.batch_alter_table("cyber_kev_citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyber_kev_citation_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cyber_kev_citation_cve_id"), ["cve_id"], unique=False)

    op.create_table(
        "cyber_taxii_feed",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("collection_url", sa.String(length=1000), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("shared_with", JSON, nullable=False),
        sa.Column("added_after", sa.String(length=40), nullable=True),
        _when("last_pulled_at", True),
        sa.Column("pulled_total", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cyber_taxii_feed")),
        sa.UniqueConstraint("owner_country", "name", name=op.f("uq_cyber_taxii_feed_owner_country_name")),
    )
    with op.batch_alter_table("cyber_taxii_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyber_taxii_feed_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "cyber_taxii_status",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("request_timestamp"),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("successes", JSON, nullable=False),
        sa.Column("failures", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cyber_taxii_status")),
    )
    with op.batch_alter_table("cyber_taxii_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyber_taxii_status_owner_country"), ["owner_country"], unique=False)


def downgrade() -> None:
    for table in (
        "cyber_taxii_status",
        "cyber_taxii_feed",
        "cyber_kev_citation",
        "cyber_kev",
        "cyber_link",
        "cyber_indicator",
    ):
        op.drop_table(table)
