"""Pydantic shapes of the crypto API and console."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from manara.schemas_common import CountryCode, Line, Text
from manara.tlp import Tlp
from manara.visibility import Visibility

ChainName = Literal["btc", "eth", "trx"]
Category = Literal[
    "sanctions", "ransomware", "terrorism_financing", "darknet_market", "mixer", "scam", "exchange", "theft", "other"
]

Heuristic = Literal["cioh", "change_reuse", "change_script_type", "change_round_amount", "change_optimal"]


class AddressIn(BaseModel):
    """An address to validate or look up."""

    model_config = ConfigDict(extra="forbid")

    address: Line = Field(..., min_length=1, max_length=100)
    chain: ChainName | None = None


class AddressOut(BaseModel):
    """A validated address."""

    address: str
    chain: str
    script_type: str
    network: str
    script_hex: str | None = None


class ImportReportOut(BaseModel):
    """What an import stored: new and already-known records, skipped and bad ones by position."""

    format: str
    transactions: int = 0
    new_transactions: int = 0
    known_transactions: int = 0
    addresses: int = 0
    links: int = 0
    coinjoins: int = 0
    tags: int = 0
    new_tags: int = 0
    skipped: int = 0
    errors: list[dict[str, str]] = Field(default_factory=list)


class TagIn(BaseModel):
    """A member's own attribution of an address."""

    model_config = ConfigDict(extra="forbid")

    chain: ChainName = "btc"
    address: Line = Field(..., min_length=1, max_length=100)
    label: Line = Field(..., min_length=1, max_length=300)
    category: Category
    confidence: int = Field(50, ge=0, le=100)
    source: Line = Field(..., min_length=1, max_length=300)
    actor: Line = Field("", max_length=120)
    tlp: Tlp = Tlp.AMBER
    visibility: Visibility = Visibility.ALL
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)


class TagOut(BaseModel):
    """A tag as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    chain: str
    address: str
    label: str
    category: str
    confidence: int
    source: str
    actor: str
    tlp: str
    owner_country: str
    visibility: str
    created_at: datetime


class WalletIn(BaseModel):
    """A wallet your country reports (FtM CryptoWallet): the address, its holder subject, a case."""

    model_config = ConfigDict(extra="forbid")

    chain: ChainName = "btc"
    address: Line = Field(..., min_length=1, max_length=100)
    label: Line = Field("", max_length=300)
    note: Text = ""
    entity_id: str | None = Field(None, max_length=36)
    case_id: str | None = Field(None, max_length=36)
    visibility: Visibility = Visibility.ALL
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)
    review_date: date | None = None


class WalletOut(BaseModel):
    """A wallet as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    chain: str
    address: str
    label: str
    owner_country: str
    entity_id: str | None
    case_id: str | None
    visibility: str
    review_date: date
    created_at: datetime


class InvestigationIn(BaseModel):
    """An investigation around a seed address, with the heuristics switched on."""

    model_config = ConfigDict(extra="forbid")

    title: Line = Field(..., min_length=1, max_length=300)
    chain: ChainName = "btc"
    seed_address: Line = Field(..., min_length=1, max_length=100)
    heuristics: list[Heuristic] = Field(default_factory=lambda: list[Heuristic](["cioh"]), max_length=5)
    case_id: str | None = Field(None, max_length=36)


class InvestigationUpdate(BaseModel):
    """Switch heuristics, or undo (exclude) and restore individual merges."""

    model_config = ConfigDict(extra="forbid")

    heuristics: list[Heuristic] | None = Field(None, max_length=5)
    exclude_links: list[int] = Field(default_factory=list, max_length=1000)
    restore_links: list[int] = Field(default_factory=list, max_length=1000)


class InvestigationOut(BaseModel):
    """An investigation."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    chain: str
    seed_address: str
    heuristics: list[str]
    excluded_links: list[str]
    case_id: str | None
    owner_country: str
    created_at: datetime


class EvidenceOut(BaseModel):
    """Why two addresses are in one cluster."""

    link_id: int
    a: str
    b: str
    txid: str
    heuristic: str
    confidence: float


class ClusterTagOut(BaseModel):
    """A visible tag carried by a cluster, from one of its addresses."""

    address: str
    label: str
    category: str
    confidence: int
    source: str
    owner_country: str
    tlp: str


class ClusterOut(BaseModel):
    """A cluster: its addresses, the evidence of every merge, its tags (confidence carried over)."""

    chain: str
    seed: str
    cluster_id: int
    heuristics: list[str]
    size: int
    addresses: list[str]
    truncated: bool
    evidence: list[EvidenceOut]
    tags: list[ClusterTagOut]
    categories: dict[str, int]
    wallets: list[WalletOut]
    received: int
    sent: int
    tx_count: int


class FlowEdgeOut(BaseModel):
    """Value moved from one address to another in one transaction, ``hop`` steps from the cluster."""

    source: str
    target: str
    amount: int
    txid: str
    time: datetime | None
    hop: int


class ExposureOut(BaseModel):
    """Direct (one hop) and indirect exposure of a cluster to each category, and the flows behind it."""

    chain: str
    seed: str
    direction: Literal["forward", "backward"]
    hops: int
    method: str
    direct: dict[str, int]
    indirect: dict[str, int]
    total: int
    edges: list[FlowEdgeOut]
    node_tags: dict[str, list[str]]
    truncated: bool


class ScreenIn(BaseModel):
    """A wallet to screen against the network."""

    model_config = ConfigDict(extra="forbid")

    chain: ChainName = "btc"
    address: Line = Field(..., min_length=1, max_length=100)


class ScreenMatchOut(BaseModel):
    """A record of another member in the screened address's cluster, and the hit raised to its owner."""

    kind: Literal["tag", "wallet"]
    record_id: str
    owner_country: str
    address: str
    category: str
    hit_id: str | None


class ScreenOut(BaseModel):
    """The answer of a wallet screening."""

    chain: str
    address: str
    cluster_size: int
    matches: list[ScreenMatchOut]
    categories: dict[str, int]


class CaseFromClusterIn(BaseModel):
    """Open a case about a cluster: the members whose records sit in it are invited."""

    model_config = ConfigDict(extra="forbid")

    title: Line = Field(..., min_length=1, max_length=300)
    summary: Text = ""
    chain: ChainName = "btc"
    address: Line = Field(..., min_length=1, max_length=100)
    invite: list[CountryCode] = Field(default_factory=list, max_length=50)
