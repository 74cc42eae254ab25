"""Ledger slices (transactions, inputs, outputs, addresses), clustering evidence, tags, wallets, investigations.

Ledger rows are public chain facts, shared by every member (who imported what is in the audit log). Tags,
wallets and investigations are member records with an owner and a visibility.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow

TAG_CATEGORIES = (
    "sanctions",
    "ransomware",
    "terrorism_financing",
    "darknet_market",
    "mixer",
    "scam",
    "exchange",
    "theft",
    "other",
)

HEURISTICS = ("cioh", "change_reuse", "change_script_type", "change_round_amount", "change_optimal")


class CryptoTx(Base):
    """A transaction of an imported ledger slice; ``coinjoin`` marks one that clustering never merges."""

    __tablename__ = "crypto_tx"
    __table_args__ = (UniqueConstraint("chain", "txid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    txid: Mapped[str] = mapped_column(String(66))
    block_height: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    block_time: Mapped[datetime | None] = mapped_column(nullable=True)
    n_inputs: Mapped[int] = mapped_column(Integer)
    n_outputs: Mapped[int] = mapped_column(Integer)
    is_coinbase: Mapped[bool] = mapped_column(default=False)
    coinjoin: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class CryptoOutput(Base):
    """An output created by a transaction (value in the chain's smallest unit)."""

    __tablename__ = "crypto_output"
    __table_args__ = (UniqueConstraint("tx_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tx_id: Mapped[int] = mapped_column(ForeignKey("crypto_tx.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("crypto_address.id"), nullable=True, index=True)
    script_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(BigInteger)


class CryptoInput(Base):
    """An input: the outpoint it spends and, when known, the address and value it spends."""

    __tablename__ = "crypto_input"
    __table_args__ = (
        UniqueConstraint("tx_id", "n"),
        Index("ix_crypto_input_outpoint", "prev_txid", "prev_vout"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tx_id: Mapped[int] = mapped_column(ForeignKey("crypto_tx.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    prev_txid: Mapped[str] = mapped_column(String(66))
    prev_vout: Mapped[int] = mapped_column(Integer)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("crypto_address.id"), nullable=True, index=True)
    spend_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class CryptoAddress(Base):
    """An address seen in an imported slice; ``cluster_id`` is the root of its common-input cluster."""

    __tablename__ = "crypto_address"
    __table_args__ = (UniqueConstraint("chain", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(100))
    script_type: Mapped[str] = mapped_column(String(20))
    cluster_id: Mapped[int] = mapped_column(Integer, index=True)


class CryptoLink(Base):
    """Evidence that two addresses share an owner: which transaction, which heuristic, how confident."""

    __tablename__ = "crypto_link"
    __table_args__ = (UniqueConstraint("a_id", "b_id", "tx_id", "heuristic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("crypto_address.id"), index=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("crypto_address.id"), index=True)
    tx_id: Mapped[int] = mapped_column(ForeignKey("crypto_tx.id", ondelete="CASCADE"), index=True)
    heuristic: Mapped[str] = mapped_column(String(24))
    confidence: Mapped[float] = mapped_column(Float)


class CryptoTag(TimestampMixin, CountryOwnedMixin, Base):
    """An attribution of an address (and so of its cluster): category, label, source, confidence, TLP."""

    __tablename__ = "crypto_tag"
    __table_args__ = (
        UniqueConstraint("owner_country", "chain", "address", "label", "source"),
        Index("ix_crypto_tag_address", "chain", "address"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(24), index=True)
    confidence: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(120), default="")
    tlp: Mapped[str] = mapped_column(String(16), default="amber")
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    share_key: Mapped[str] = mapped_column(String(1000), default="")
    created_by: Mapped[str] = mapped_column(String(36))


class CryptoWallet(TimestampMixin, CountryOwnedMixin, Base):
    """A wallet a member reports (FtM ``CryptoWallet``): an address, its holder subject, a case."""

    __tablename__ = "crypto_wallet"
    __table_args__ = (UniqueConstraint("owner_country", "chain", "address"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    chain: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(100), index=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id", ondelete="SET NULL"), nullable=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), nullable=True)
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    share_key: Mapped[str] = mapped_column(String(1000), default="")
    review_date: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(36))


class CryptoInvestigation(TimestampMixin, CountryOwnedMixin, Base):
    """An analyst's working set: the heuristics switched on and the merges undone, optionally for a case."""

    __tablename__ = "crypto_investigation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    chain: Mapped[str] = mapped_column(String(8))
    seed_address: Mapped[str] = mapped_column(String(100))
    heuristics: Mapped[list[str]] = mapped_column()
    excluded_links: Mapped[list[str]] = mapped_column()
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(36))
