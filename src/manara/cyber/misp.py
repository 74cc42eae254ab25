"""MISP events (the JSON of MISP's REST API and PyMISP's MISPEvent) in and out.

Distribution levels and Manara visibility:

| MISP distribution | on import | on export |
|---|---|---|
| 0 your organisation only | ``owner`` | from ``owner`` |
| 1 this community only | ``countries`` named in the import request, else ``owner`` | — |
| 2 connected communities, 3 all communities | ``all`` | from ``all`` (3) |
| 4 sharing group | ``countries``: its organisations' nationality codes | from ``countries`` |
| 5 inherit event (attributes) | the event's | — |

Tags ``tlp:clear|white|green|amber|amber+strict|red`` give the marking (the strictest of the event's and the
attribute's wins); TLP:AMBER+STRICT
and TLP:RED records are never exported.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from manara.cyber.models import CyberIndicator
from manara.cyber.normalize import normalize_value
from manara.cyber.stix import Candidate, Parsed
from manara.errors import ValidationFailed
from manara.tlp import Tlp, may_leave_owner
from manara.visibility import Visibility

ATTRIBUTE_KINDS = {
    "domain": "domain-name",
    "hostname": "domain-name",
    "ip-src": "ip",
    "ip-dst": "ip",
    "url": "url",
    "link": "url",
    "md5": "file-md5",
    "sha1": "file-sha1",
    "sha256": "file-sha256",
    "email": "email-addr",
    "email-src": "email-addr",
    "email-dst": "email-addr",
    "btc": "cryptocurrency-wallet",
    "xmr": "cryptocurrency-wallet",
    "dash": "cryptocurrency-wallet",
    "vulnerability": "vulnerability",
}
EXPORT_TYPES = {
    "domain-name": ("domain", "Network activity"),
    "ipv4-addr": ("ip-dst", "Network activity"),
    "ipv6-addr": ("ip-dst", "Network activity"),
    "url": ("url", "Network activity"),
    "file-md5": ("md5", "Payload delivery"),
    "file-sha1": ("sha1", "Payload delivery"),
    "file-sha256": ("sha256", "Payload delivery"),
    "email-addr": ("email-src", "Payload delivery"),
    "cryptocurrency-wallet": ("btc", "Financial fraud"),
    "vulnerability": ("vulnerability", "External analysis"),
}
TLP_TAGS = {"tlp:white": Tlp.CLEAR, **{f"tlp:{t.value}": t for t in Tlp}}
MAX_ATTRIBUTES = 20_000


def _tlp(tags: Any) -> Tlp | None:
    names = [str(t.get("name", "")).strip().lower() for t in tags or [] if isinstance(t, dict)]
    found = [TLP_TAGS[n] for n in names if n in TLP_TAGS]
    return max(found, key=lambda t: t.rank) if found else None


def distribution_placement(event: dict[str, Any], community: list[str]) -> tuple[Visibility, list[str]]:
    """Map an event's distribution onto Manara visibility (see the module's table)."""
    level = str(event.get("distribution", "0"))
    if level in ("2", "3"):
        return Visibility.ALL, []
    if level == "1":
        return (Visibility.COUNTRIES, community) if community else (Visibility.OWNER, [])
    if level == "4":
        group = event.get("SharingGroup") or {}
        orgs = group.get("SharingGroupOrg") or []
        codes = sorted(
            {
                str((o.get("Organisation") or {}).get("nationality", "")).strip().upper()
                for o in orgs
                if isinstance(o, dict)
            }
            - {""}
        )
        return (Visibility.COUNTRIES, codes) if codes else (Visibility.OWNER, [])
    return Visibility.OWNER, []


def _ts(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def read_event(document: Any) -> tuple[dict[str, Any], Parsed]:
    """Read a MISP event (``{"Event": {...}}`` or the bare event); return it and its candidates/refusals."""
    event = document.get("Event", document) if isinstance(document, dict) else None
    if not isinstance(event, dict) or not isinstance(event.get("Attribute", []), list):
        raise ValidationFailed("not a MISP event", [{"field": "Event", "message": 'a JSON object {"Event": {...}}'}])
    attributes = list(event.get("Attribute", []))
    for obj in event.get("Object", []) or []:
        if isinstance(obj, dict):
            attributes.extend(a for a in obj.get("Attribute", []) or [] if isinstance(a, dict))
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValidationFailed("event too large", [{"field": "Attribute", "message": f"at most {MAX_ATTRIBUTES}"}])
    event_tlp = _tlp(event.get("Tag"))
    parsed = Parsed(received=len(attributes))
    info = str(event.get("info", ""))[:300]
    for position, attr in enumerate(attributes):
        if not isinstance(attr, dict):
            parsed.refused.append({"id": f"#{position}", "type": "attribute", "reason": "not an object"})
            continue
        ident = str(attr.get("uuid") or f"#{position}")
        mtype = str(attr.get("type", ""))
        kind = ATTRIBUTE_KINDS.get(mtype)
        if kind is None:
            parsed.refused.append({"id": ident, "type": mtype, "reason": f"MISP type {mtype!r} is not stored"})
            continue
        value = str(attr.get("value", ""))
        if kind == "ip":
            kind = "ipv6-addr" if ":" in value else "ipv4-addr"
        try:
            key = normalize_value(kind, value)
        except ValidationFailed as exc:
            errors = exc.data.get("errors") or [{"message": exc.message}]
            parsed.refused.append({"id": ident, "type": mtype, "reason": f"invalid {kind}: {errors[0]['message']}"})
            continue
        tlp = _tlp(attr.get("Tag")) or event_tlp
        if tlp is not None and event_tlp is not None:
            tlp = max(tlp, event_tlp, key=lambda t: t.rank)
        seen = _ts(attr.get("first_seen")) if isinstance(attr.get("first_seen"), int) else None
        parsed.candidates.append(
            Candidate(
                kind=kind,
                value=value,
                value_key=key,
                name=info,
                description=str(attr.get("comment", ""))[:10_000],
                labels=[f"misp:{attr.get('category', '')}"[:100]] if attr.get("category") else [],
                tlp=tlp,
                first_seen=seen,
                last_seen=_ts(attr.get("timestamp")),
            )
        )
    return event, parsed


def build_event(indicators: list[CyberIndicator], *, info: str, country: str) -> dict[str, Any]:
    """A MISP event of indicators that may leave their owner: the least strict marking tags the event and each
    attribute its own, so that a reader taking the strictest of both reads every attribute's own marking."""
    if any(not may_leave_owner(i.tlp) for i in indicators):
        raise ValueError("TLP:AMBER+STRICT and TLP:RED indicators are never exported")
    levels = [Tlp(i.tlp) for i in indicators] or [Tlp.CLEAR]
    floor = min(levels, key=lambda t: t.rank)  # each attribute carries its own (stricter or equal) tag
    visibilities = {i.visibility for i in indicators}
    countries = sorted({c for i in indicators for c in i.shared_with} | {country})
    if Visibility.OWNER in visibilities:
        distribution = 0
    elif Visibility.COUNTRIES in visibilities:
        distribution = 4
    else:
        distribution = 3
    attributes = []
    for ind in indicators:
        mtype, category = EXPORT_TYPES[ind.kind]
        attributes.append(
            {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, ind.stix_id)),
                "type": mtype,
                "category": category,
                "value": ind.value_key,
                "to_ids": ind.kind != "vulnerability",
                "distribution": "5",
                "comment": ind.description[:1000],
                "timestamp": str(int(ind.updated_at.timestamp())),
                "Tag": [{"name": f"tlp:{ind.tlp}"}],
            }
        )
    event: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "info": info,
        "date": datetime.now(UTC).date().isoformat(),
        "distribution": str(distribution),
        "threat_level_id": "2",
        "analysis": "2",
        "published": False,
        "Orgc": {"name": f"Manara member {country}"},
        "Tag": [{"name": f"tlp:{floor.value}"}],
        "Attribute": attributes,
    }
    if distribution == 4:
        event["SharingGroup"] = {
            "name": "Manara " + " ".join(countries),
            "SharingGroupOrg": [{"Organisation": {"name": f"Manara member {c}", "nationality": c}} for c in countries],
        }
    return {"Event": event}
