"""crypto: addresses, transactions, clusters, tags

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import manara.db.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crypto_address",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("script_type", sa.String(length=20), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_address")),
        sa.UniqueConstraint("chain", "address", name=op.f("uq_crypto_address_chain_address")),
    )
    with op.batch_alter_table("crypto_address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_address_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "crypto_tag",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column(
            "shared_with", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_tag")),
        sa.UniqueConstraint(
            "owner_country",
            "chain",
            "address",
            "label",
            "source",
            name=op.f("uq_crypto_tag_owner_country_chain_address_label_source"),
        ),
    )
    with op.batch_alter_table("crypto_tag", schema=None) as batch_op:
        batch_op.create_index("ix_crypto_tag_address", ["chain", "address"], unique=False)
        batch_op.create_index(batch_op.f("ix_crypto_tag_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_crypto_tag_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "crypto_tx",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("txid", sa.String(length=66), nullable=False),
        sa.Column("block_height", sa.Integer(), nullable=True),
        sa.Column("block_time", manara.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("n_inputs", sa.Integer(), nullable=False),
        sa.Column("n_outputs", sa.Integer(), nullable=False),
        sa.Column("is_coinbase", sa.Boolean(), nullable=False),
        sa.Column("coinjoin", sa.Boolean(), nullable=False),
        sa.Column("imported_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_tx")),
        sa.UniqueConstraint("chain", "txid", name=op.f("uq_crypto_tx_chain_txid")),
    )
    with op.batch_alter_table("crypto_tx", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_tx_block_height"), ["block_height"], unique=False)

    op.create_table(
        "crypto_input",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tx_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("prev_txid", sa.String(length=66), nullable=False),
        sa.Column("prev_vout", sa.Integer(), nullable=False),
        sa.Column("address_id", sa.Integer(), nullable=True),
        sa.Column("spend_type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["address_id"], ["crypto_address.id"], name=op.f("fk_crypto_input_address_id_crypto_address")
        ),
        sa.ForeignKeyConstraint(
            ["tx_id"], ["crypto_tx.id"], name=op.f("fk_crypto_input_tx_id_crypto_tx"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_input")),
        sa.UniqueConstraint("tx_id", "n", name=op.f("uq_crypto_input_tx_id_n")),
    )
    with op.batch_alter_table("crypto_input", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_input_address_id"), ["address_id"], unique=False)
        batch_op.create_index("ix_crypto_input_outpoint", ["prev_txid", "prev_vout"], unique=False)

    op.create_table(
        "crypto_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("tx_id", sa.Integer(), nullable=False),
        sa.Column("heuristic", sa.String(length=24), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["a_id"], ["crypto_address.id"], name=op.f("fk_crypto_link_a_id_crypto_address")),
        sa.ForeignKeyConstraint(["b_id"], ["crypto_address.id"], name=op.f("fk_crypto_link_b_id_crypto_address")),
        sa.ForeignKeyConstraint(
            ["tx_id"], ["crypto_tx.id"], name=op.f("fk_crypto_link_tx_id_crypto_tx"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_link")),
        sa.UniqueConstraint(
            "a_id", "b_id", "tx_id", "heuristic", name=op.f("uq_crypto_link_a_id_b_id_tx_id_heuristic")
        ),
    )
    with op.batch_alter_table("crypto_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_link_a_id"), ["a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crypto_link_b_id"), ["b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crypto_link_tx_id"), ["tx_id"], unique=False)

    op.create_table(
        "crypto_output",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tx_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("address_id", sa.Integer(), nullable=True),
        sa.Column("script_type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["address_id"], ["crypto_address.id"], name=op.f("fk_crypto_output_address_id_crypto_address")
        ),
        sa.ForeignKeyConstraint(
            ["tx_id"], ["crypto_tx.id"], name=op.f("fk_crypto_output_tx_id_crypto_tx"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_output")),
        sa.UniqueConstraint("tx_id", "n", name=op.f("uq_crypto_output_tx_id_n")),
    )
    with op.batch_alter_table("crypto_output", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_output_address_id"), ["address_id"], unique=False)

    op.create_table(
        "crypto_investigation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("seed_address", sa.String(length=100), nullable=False),
        sa.Column(
            "heuristics", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "excluded_links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_crypto_investigation_case_id_case_file"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_investigation")),
    )
    with op.batch_alter_table("crypto_investigation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_investigation_owner_country"), ["owner_country"], unique=False)

    op.create_table(
        "crypto_wallet",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column(
            "shared_with", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("share_key", sa.String(length=1000), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", manara.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_crypto_wallet_case_id_case_file"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_crypto_wallet_entity_id_entity"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crypto_wallet")),
        sa.UniqueConstraint(
            "owner_country", "chain", "address", name=op.f("uq_crypto_wallet_owner_country_chain_address")
        ),
    )
    with op.batch_alter_table("crypto_wallet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crypto_wallet_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_crypto_wallet_owner_country"), ["owner_country"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crypto_wallet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_wallet_owner_country"))
        batch_op.drop_index(batch_op.f("ix_crypto_wallet_address"))

    op.drop_table("crypto_wallet")
    with op.batch_alter_table("crypto_investigation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_investigation_owner_country"))

    op.drop_table("crypto_investigation")
    with op.batch_alter_table("crypto_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_output_address_id"))

    op.drop_table("crypto_output")
    with op.batch_alter_table("crypto_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_link_tx_id"))
        batch_op.drop_index(batch_op.f("ix_crypto_link_b_id"))
        batch_op.drop_index(batch_op.f("ix_crypto_link_a_id"))

    op.drop_table("crypto_link")
    with op.batch_alter_table("crypto_input", schema=None) as batch_op:
        batch_op.drop_index("ix_crypto_input_outpoint")
        batch_op.drop_index(batch_op.f("ix_crypto_input_address_id"))

    op.drop_table("crypto_input")
    with op.batch_alter_table("crypto_tx", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_tx_block_height"))

    op.drop_table("crypto_tx")
    with op.batch_alter_table("crypto_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_tag_owner_country"))
        batch_op.drop_index(batch_op.f("ix_crypto_tag_category"))
        batch_op.drop_index("ix_crypto_tag_address")

    op.drop_table("crypto_tag")
    with op.batch_alter_table("crypto_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_address_cluster_id"))

    op.drop_table("crypto_address")
