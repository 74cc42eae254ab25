"""training: courses, sessions, enrolments, certificates

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_course",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "title", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "description", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "crime_areas", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column(
            "prerequisites",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column(
            "qualifies_roles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("elearning", sa.Boolean(), nullable=False),
        sa.Column(
            "modules", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_course")),
        sa.UniqueConstraint("owner_country", "code", name=op.f("uq_training_course_owner_country_code")),
    )
    with op.batch_alter_table("training_course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_course_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_course_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "training_signing_key",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("key_id", sa.String(length=80), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("private_key_encrypted", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_training_signing_key_key_id")),
    )
    with op.batch_alter_table("training_signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_signing_key_country"), ["country"], unique=False)

    op.create_table(
        "training_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column(
            "trainers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["training_course.id"], name=op.f("fk_training_session_course_id_training_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_session_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_session_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "training_enrolment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("completed_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["training_course.id"], name=op.f("fk_training_enrolment_course_id_training_course")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training_session.id"], name=op.f("fk_training_enrolment_session_id_training_session")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_training_enrolment_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolment")),
    )
    with op.batch_alter_table("training_enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_enrolment_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_enrolment_course_id"), ["course_id"], unique=False)
        batch_op.create_index("ix_training_enrolment_session_status", ["session_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_enrolment_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_certificate",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("course_code", sa.String(length=40), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("holder_country", sa.String(length=2), nullable=False),
        sa.Column("issuer_country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("issued_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column(
            "credential", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("revoked_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=False),
        sa.Column("expiry_notified_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["training_course.id"], name=op.f("fk_training_certificate_course_id_training_course")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolment.id"],
            name=op.f("fk_training_certificate_enrolment_id_training_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_training_certificate_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_certificate")),
        sa.UniqueConstraint(
            "issuer_country", "status_index", name=op.f("uq_training_certificate_issuer_country_status_index")
        ),
    )
    with op.batch_alter_table("training_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_certificate_course_code"), ["course_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_certificate_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_certificate_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_certificate_holder_country"), ["holder_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_certificate_issuer_country"), ["issuer_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_certificate_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("training_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_certificate_course_code"))
        batch_op.drop_index(batch_op.f("ix_training_certificate_course_id"))
        batch_op.drop_index(batch_op.f("ix_training_certificate_expires_at"))
        batch_op.drop_index(batch_op.f("ix_training_certificate_holder_country"))
        batch_op.drop_index(batch_op.f("ix_training_certificate_issuer_country"))
        batch_op.drop_index(batch_op.f("ix_training_certificate_user_id"))

    op.drop_table("training_certificate")

    with op.batch_alter_table("training_enrolment", schema=None) as batch_op:
        batch_op.drop_index("ix_training_enrolment_session_status")
        batch_op.drop_index(batch_op.f("ix_training_enrolment_country"))
        batch_op.drop_index(batch_op.f("ix_training_enrolment_course_id"))
        batch_op.drop_index(batch_op.f("ix_training_enrolment_user_id"))

    op.drop_table("training_enrolment")

    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_session_course_id"))
        batch_op.drop_index(batch_op.f("ix_training_session_owner_country"))

    op.drop_table("training_session")

    with op.batch_alter_table("training_signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_signing_key_country"))

    op.drop_table("training_signing_key")

    with op.batch_alter_table("training_course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_course_code"))
        batch_op.drop_index(batch_op.f("ix_training_course_owner_country"))

    op.drop_table("training_course")
