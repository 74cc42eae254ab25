"""Readers of attribution sources: GraphSense TagPacks (YAML) and OFAC's lists of sanctioned addresses.

A reader returns tag candidates (validated addresses, a category of Manara's taxonomy, a confidence 0-100)
and the bad records by position; the write is ``actions.do_import_tags``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from manara.crypto.addresses import InvalidAddress, parse_address

# GraphSense confidence levels (graphsense-tagpack-tool's confidence.csv).
CONFIDENCE_LEVELS = {
    "override": 100,
    "ownership": 100,
    "ledger_immanent": 100,
    "manual_transaction": 90,
    "service_api": 70,
    "authority_data": 60,
    "trusted_provider": 50,
    "service_data": 50,
    "forensic": 50,
    "untrusted_transaction": 40,
    "web_crawl": 20,
    "heuristic": 10,
    "unknown": 5,
}
# GraphSense abuse and entity categories (INTERPOL DWG taxonomy) -> Manara's exposure categories.
ABUSE = {
    "sanction": "sanctions",
    "ransomware": "ransomware",
    "terrorism": "terrorism_financing",
    "terrorism_financing": "terrorism_financing",
    "scam": "scam",
    "phishing": "scam",
    "ponzi_scheme": "scam",
    "pyramid_scheme": "scam",
    "sextortion": "scam",
    "service_hack": "theft",
    "theft": "theft",
    "darknet_market": "darknet_market",
}
CATEGORY = {
    "market": "darknet_market",
    "darknet_market": "darknet_market",
    "mixing_service": "mixer",
    "coinjoin": "mixer",
    "exchange": "exchange",
    "black_list": "sanctions",
}
CURRENCIES = {"BTC": "btc", "XBT": "btc", "ETH": "eth", "TRX": "trx"}
MAX_TAGS = 200_000


@dataclass(frozen=True)
class TagCandidate:
    """One attribution to store."""

    chain: str
    address: str
    label: str
    category: str
    confidence: int
    source: str
    actor: str = ""


@dataclass
class TagRead:
    """Tags read from a source, the records skipped (other currencies) and the bad ones by position."""

    tags: list[TagCandidate] = field(default_factory=list)
    skipped: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if value is not None else ""


def category_of(abuse: Any, category: Any, title: str = "") -> str:
    """Map a TagPack's abuse (preferred) or entity category onto Manara's categories; a pack whose title
    names a sanctions list (OFAC's pack says only ``category: user``) is ``sanctions``."""
    if isinstance(abuse, str) and abuse in ABUSE:
        return ABUSE[abuse]
    if isinstance(category, str) and category in CATEGORY:
        return CATEGORY[category]
    if "sanction" in title.lower():
        return "sanctions"
    return "other"


def read_tagpack(text: str, default_source: str = "graphsense-tagpack") -> TagRead:
    """Read one GraphSense TagPack: header fields are inherited by every tag unless the tag overrides them."""
    out = TagRead()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        out.errors.append({"position": "document", "error": f"malformed YAML: {str(exc)[:200]}"})
        return out
    if not isinstance(doc, dict) or not isinstance(doc.get("tags"), list):
        out.errors.append({"position": "document", "error": "a TagPack is a mapping with a list of tags"})
        return out
    if len(doc["tags"]) > MAX_TAGS:
        out.errors.append({"position": "document", "error": f"more than {MAX_TAGS} tags"})
        return out
    header = {k: v for k, v in doc.items() if k != "tags"}
    for i, raw in enumerate(doc["tags"]):
        if not isinstance(raw, dict):
            out.errors.append({"position": f"tag {i}", "error": "a tag is a mapping"})
            continue
        tag = {**header, **raw}
        currency = _text(tag.get("currency"), 10).upper()
        chain = CURRENCIES.get(currency)
        if chain is None:
            out.skipped += 1
            continue
        raw_address = tag.get("address")
        if isinstance(raw_address, int) and chain == "eth":  # YAML 1.1 reads an unquoted 0x... as an integer
            raw_address = f"0x{raw_address:040x}"
        try:
            address = parse_address(_text(raw_address, 200), chain).text
        except InvalidAddress as exc:
            out.errors.append({"position": f"tag {i}", "error": f"{currency} address: {exc.reason}"})
            continue
        level = tag.get("confidence", "unknown")
        confidence = CONFIDENCE_LEVELS.get(level) if isinstance(level, str) else None
        if confidence is None:
            out.errors.append({"position": f"tag {i}", "error": f"unknown confidence level {str(level)[:40]!r}"})
            continue
        out.tags.append(
            TagCandidate(
                chain=chain,
                address=address,
                label=_text(tag.get("label") or header.get("title") or "tag", 300),
                category=category_of(tag.get("abuse"), tag.get("category"), _text(header.get("title"), 300)),
                confidence=confidence,
                source=_text(tag.get("source") or default_source, 300),
                actor=_text(tag.get("actor"), 120),
            )
        )
    return out


def read_ofac(text: str, currency: str = "XBT") -> TagRead:
    """Read one of OFAC's per-asset address lists (one address a line, as 0xB10C's extraction writes it)."""
    out = TagRead()
    chain = CURRENCIES.get(currency.upper())
    if chain is None:
        out.errors.append({"position": "document", "error": f"unsupported asset {currency!r} (XBT, ETH, TRX)"})
        return out
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            address = parse_address(line, chain).text
        except InvalidAddress as exc:
            out.errors.append({"position": f"line {lineno}", "error": exc.reason})
            continue
        out.tags.append(
            TagCandidate(
                chain, address, "OFAC SDN listed address", "sanctions", 60, "https://sanctionslist.ofac.treas.gov"
            )
        )
    return out
