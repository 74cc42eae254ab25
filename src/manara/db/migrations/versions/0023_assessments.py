"""threat assessments: crime areas on notices, cases and subjects; assessments, indicators, judgements, snapshots

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 00:30:00.000000
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from manara.crime import from_offence

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


TABLES = ("notice", "case_file", "entity")


def _classify_existing() -> None:
    """Classify existing notices from their offence/charges text; cases and subjects take their notices' areas."""
    conn = op.get_bind()
    notice = sa.table(
        "notice",
        sa.column("id", sa.String),
        sa.column("subject_id", sa.String),
        sa.column("title", sa.String),
        sa.column("details", sa.JSON),
        sa.column("crime_areas", sa.JSON),
    )
    entity = sa.table("entity", sa.column("id", sa.String), sa.column("crime_areas", sa.JSON))
    case = sa.table(
        "case_file", sa.column("id", sa.String), sa.column("notice_ids", sa.JSON), sa.column("crime_areas", sa.JSON)
    )
    by_notice: dict[str, list[str]] = {}
    by_subject: dict[str, set[str]] = {}
    for nid, subject_id, details in conn.execute(sa.select(notice.c.id, notice.c.subject_id, notice.c.details)):
        d = details if isinstance(details, dict) else json.loads(details or "{}")
        areas = [a.value for a in from_offence(d.get("offence"), d.get("criminal_activity"), d.get("threat"))]
        if not areas:
            continue
        by_notice[nid] = areas
        conn.execute(sa.update(notice).where(notice.c.id == nid).values(crime_areas=areas))
        if subject_id:
            by_subject.setdefault(subject_id, set()).update(areas)
    for pk, areas_set in by_subject.items():
        conn.execute(sa.update(entity).where(entity.c.id == pk).values(crime_areas=sorted(areas_set)))
    for cid, notice_ids in conn.execute(sa.select(case.c.id, case.c.notice_ids)):
        ids = notice_ids if isinstance(notice_ids, list) else json.loads(notice_ids or "[]")
        found = sorted({a for n in ids for a in by_notice.get(n, [])})
        if found:
            conn.execute(sa.update(case).where(case.c.id == cid).values(crime_areas=found))


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("crime_areas", _json(), nullable=False, server_default="[]"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("crime_areas", existing_type=_json(), server_default=None, existing_nullable=False)
    _classify_existing()
    op.create_table(
        "assessment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("regions", _json(), nullable=False),
        sa.Column("countries", _json(), nullable=False),
        sa.Column("crime_areas", _json(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("dissemination", _json(), nullable=False),
        sa.Column("dissemination_key", sa.String(length=1000), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("judgements", _json(), nullable=False),
        sa.Column("sources", _json(), nullable=False),
        sa.Column("recommendations", _json(), nullable=False),
        sa.Column("hidden", _json(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("computed_by", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("reviewer_country", sa.String(length=2), nullable=True),
        sa.Column("review_decision", sa.String(length=24), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=36), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snapshot", _json(), nullable=True),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("schedule", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_supersedes_id_assessment"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_owner_status", ["owner_country", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_owner_country"), ["owner_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_reviewer_country"), ["reviewer_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_supersedes_id"), ["supersedes_id"], unique=False)
    op.create_table(
        "assessment_indicator",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("query", sa.String(length=60), nullable=False),
        sa.Column("params", _json(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("previous", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_indicator_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_indicator")),
        sa.UniqueConstraint("assessment_id", "seq", name=op.f("uq_assessment_indicator_assessment_id_seq")),
    )
    with op.batch_alter_table("assessment_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_indicator_assessment_id"), ["assessment_id"], unique=False)
    op.create_table(
        "assessment_render",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("pdf_variant", sa.String(length=20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_render_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_render")),
    )
    with op.batch_alter_table("assessment_render", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_render_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_render_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("assessment_render")
    op.drop_table("assessment_indicator")
    op.drop_table("assessment")
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("crime_areas")
