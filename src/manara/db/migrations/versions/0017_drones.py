"""drones: receivers, Remote ID messages, tracks, geofences, incidents

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drone_geofence",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column(
            "geometry", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("floor_m", sa.Float(), nullable=True),
        sa.Column("ceiling_m", sa.Float(), nullable=True),
        sa.Column("valid_from", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_until", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column(
            "shared_with", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_geofence")),
        sa.UniqueConstraint("owner_country", "name", name=op.f("uq_drone_geofence_owner_country_name")),
    )
    op.create_index(op.f("ix_drone_geofence_kind"), "drone_geofence", ["kind"], unique=False)
    op.create_index(op.f("ix_drone_geofence_owner_country"), "drone_geofence", ["owner_country"], unique=False)
    op.create_table(
        "drone_receiver",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_receiver")),
        sa.UniqueConstraint("owner_country", "name", name=op.f("uq_drone_receiver_owner_country_name")),
    )
    op.create_index(op.f("ix_drone_receiver_owner_country"), "drone_receiver", ["owner_country"], unique=False)
    op.create_table(
        "drone_track",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("uas_key", sa.String(length=80), nullable=False),
        sa.Column("uas_id", sa.String(length=40), nullable=True),
        sa.Column("id_type", sa.String(length=24), nullable=True),
        sa.Column("ua_type", sa.String(length=32), nullable=True),
        sa.Column("operator_id", sa.String(length=24), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("first_seen", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_lat", sa.Float(), nullable=True),
        sa.Column("last_lon", sa.Float(), nullable=True),
        sa.Column("last_alt", sa.Float(), nullable=True),
        sa.Column("last_speed", sa.Float(), nullable=True),
        sa.Column("operator_lat", sa.Float(), nullable=True),
        sa.Column("operator_lon", sa.Float(), nullable=True),
        sa.Column("point_count", sa.Integer(), nullable=False),
        sa.Column(
            "flags", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_track")),
        sa.UniqueConstraint("owner_country", "uas_key", name=op.f("uq_drone_track_owner_country_uas_key")),
    )
    op.create_index(op.f("ix_drone_track_operator_id"), "drone_track", ["operator_id"], unique=False)
    op.create_index(op.f("ix_drone_track_owner_country"), "drone_track", ["owner_country"], unique=False)
    op.create_index("ix_drone_track_recent", "drone_track", ["owner_country", "last_seen"], unique=False)
    op.create_index(op.f("ix_drone_track_source"), "drone_track", ["source"], unique=False)
    op.create_index(op.f("ix_drone_track_uas_id"), "drone_track", ["uas_id"], unique=False)
    op.create_table(
        "drone_identifier",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("first_seen", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"], ["drone_track.id"], name=op.f("fk_drone_identifier_track_id_drone_track"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_identifier")),
        sa.UniqueConstraint("kind", "value", "track_id", name=op.f("uq_drone_identifier_kind_value_track_id")),
    )
    op.create_index("ix_drone_identifier_lookup", "drone_identifier", ["kind", "value", "country"], unique=False)
    op.create_index(op.f("ix_drone_identifier_track_id"), "drone_identifier", ["track_id"], unique=False)
    op.create_table(
        "drone_incident",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.String(length=36), nullable=True),
        sa.Column(
            "track_ids", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "entity_ids", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "wallets", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column(
            "shared_with", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("opened_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["drone_geofence.id"],
            name=op.f("fk_drone_incident_zone_id_drone_geofence"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_incident")),
        sa.UniqueConstraint("reference", name=op.f("uq_drone_incident_reference")),
    )
    op.create_index("ix_drone_incident_open", "drone_incident", ["status", "country"], unique=False)
    op.create_index(op.f("ix_drone_incident_owner_country"), "drone_incident", ["owner_country"], unique=False)
    op.create_index(op.f("ix_drone_incident_zone_id"), "drone_incident", ["zone_id"], unique=False)
    op.create_table(
        "drone_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("receiver_id", sa.String(length=36), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("received_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("transport", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("rssi", sa.Integer(), nullable=True),
        sa.Column("msg_type", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=True),
        sa.Column("expires_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["drone_receiver.id"],
            name=op.f("fk_drone_message_receiver_id_drone_receiver"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"], ["drone_track.id"], name=op.f("fk_drone_message_track_id_drone_track"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_message")),
        sa.UniqueConstraint(
            "receiver_id", "received_at", "sha256", name=op.f("uq_drone_message_receiver_id_received_at_sha256")
        ),
    )
    op.create_index(op.f("ix_drone_message_expires_at"), "drone_message", ["expires_at"], unique=False)
    op.create_index("ix_drone_message_owner_received", "drone_message", ["owner_country", "received_at"], unique=False)
    op.create_index(op.f("ix_drone_message_receiver_id"), "drone_message", ["receiver_id"], unique=False)
    op.create_index(op.f("ix_drone_message_track_id"), "drone_message", ["track_id"], unique=False)
    op.create_table(
        "drone_track_point",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("alt", sa.Float(), nullable=True),
        sa.Column("speed", sa.Float(), nullable=True),
        sa.Column("direction", sa.Integer(), nullable=True),
        sa.Column("operator_lat", sa.Float(), nullable=True),
        sa.Column("operator_lon", sa.Float(), nullable=True),
        sa.Column("receiver_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"], ["drone_track.id"], name=op.f("fk_drone_track_point_track_id_drone_track"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_track_point")),
    )
    op.create_index("ix_drone_track_point_track_at", "drone_track_point", ["track_id", "at"], unique=False)
    op.create_table(
        "drone_custody",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["drone_incident.id"],
            name=op.f("fk_drone_custody_incident_id_drone_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_custody")),
    )
    op.create_index(op.f("ix_drone_custody_incident_id"), "drone_custody", ["incident_id"], unique=False)
    op.create_table(
        "drone_evidence",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("receiver_id", sa.String(length=36), nullable=False),
        sa.Column("receiver_country", sa.String(length=2), nullable=False),
        sa.Column("received_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("transport", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["drone_incident.id"],
            name=op.f("fk_drone_evidence_incident_id_drone_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drone_evidence")),
        sa.UniqueConstraint(
            "incident_id", "sha256", "received_at", name=op.f("uq_drone_evidence_incident_id_sha256_received_at")
        ),
    )
    op.create_index(op.f("ix_drone_evidence_incident_id"), "drone_evidence", ["incident_id"], unique=False)
    op.create_table(
        "drone_incident_share",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["country"], ["member.code"], name=op.f("fk_drone_incident_share_country_member")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["drone_incident.id"],
            name=op.f("fk_drone_incident_share_incident_id_drone_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "country", name=op.f("pk_drone_incident_share")),
    )
    op.create_index(op.f("ix_drone_incident_share_country"), "drone_incident_share", ["country"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_drone_incident_share_country"), table_name="drone_incident_share")
    op.drop_table("drone_incident_share")
    op.drop_index(op.f("ix_drone_evidence_incident_id"), table_name="drone_evidence")
    op.drop_table("drone_evidence")
    op.drop_index(op.f("ix_drone_custody_incident_id"), table_name="drone_custody")
    op.drop_table("drone_custody")
    op.drop_index("ix_drone_track_point_track_at", table_name="drone_track_point")
    op.drop_table("drone_track_point")
    op.drop_index(op.f("ix_drone_message_track_id"), table_name="drone_message")
    op.drop_index(op.f("ix_drone_message_receiver_id"), table_name="drone_message")
    op.drop_index("ix_drone_message_owner_received", table_name="drone_message")
    op.drop_index(op.f("ix_drone_message_expires_at"), table_name="drone_message")
    op.drop_table("drone_message")
    op.drop_index(op.f("ix_drone_incident_zone_id"), table_name="drone_incident")
    op.drop_index(op.f("ix_drone_incident_owner_country"), table_name="drone_incident")
    op.drop_index("ix_drone_incident_open", table_name="drone_incident")
    op.drop_table("drone_incident")
    op.drop_index(op.f("ix_drone_identifier_track_id"), table_name="drone_identifier")
    op.drop_index("ix_drone_identifier_lookup", table_name="drone_identifier")
    op.drop_table("drone_identifier")
    op.drop_index(op.f("ix_drone_track_uas_id"), table_name="drone_track")
    op.drop_index(op.f("ix_drone_track_source"), table_name="drone_track")
    op.drop_index("ix_drone_track_recent", table_name="drone_track")
    op.drop_index(op.f("ix_drone_track_owner_country"), table_name="drone_track")
    op.drop_index(op.f("ix_drone_track_operator_id"), table_name="drone_track")
    op.drop_table("drone_track")
    op.drop_index(op.f("ix_drone_receiver_owner_country"), table_name="drone_receiver")
    op.drop_table("drone_receiver")
    op.drop_index(op.f("ix_drone_geofence_owner_country"), table_name="drone_geofence")
    op.drop_index(op.f("ix_drone_geofence_kind"), table_name="drone_geofence")
    op.drop_table("drone_geofence")
