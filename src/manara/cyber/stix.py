"""STIX 2.1: indicators as STIX objects (TLP 2.0 markings included), bundles out, bundles in with a refusal report.

Pure functions: no session, no writes. The TAXII feed serves `sdo_of` (one object per indicator, fast); an
export builds the full bundle with the `stix2` library (observables with their deterministic ids,
observed-data, malware, threat-actor, vulnerability, relationships) and checks it by parsing it back.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stix2

from manara.cyber.models import CyberIndicator
from manara.cyber.normalize import HASH_STIX_NAMES, normalize_value
from manara.errors import ValidationFailed
from manara.tlp import STIX_MARKING_IDS, Tlp, may_leave_owner

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
# TLP 1.0 ids (stix2's predefined set) read on import: WHITE is CLEAR under TLP 2.0.
TLP1_MARKING_IDS: dict[str, Tlp] = {
    stix2.v21.TLP_WHITE.id: Tlp.CLEAR,
    stix2.v21.TLP_GREEN.id: Tlp.GREEN,
    stix2.v21.TLP_AMBER.id: Tlp.AMBER,
    stix2.v21.TLP_RED.id: Tlp.RED,
}
MARKING_TLP: dict[str, Tlp] = {**{v: k for k, v in STIX_MARKING_IDS.items()}, **TLP1_MARKING_IDS}
WALLET_TYPE = "x-cryptocurrency-wallet"  # a custom observable: the community extension has no stable id yet
MANARA_NAMESPACE = uuid.UUID("6c3f9e1a-5b0e-4d57-9c1e-4b7a0e2f6d11")
MAX_OBJECTS = 20_000

# Every object type STIX 2.1 defines: anything else not named x-… is unknown and refuses the whole bundle.
STIX21_TYPES = frozenset(
    {
        "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
        "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
        "opinion", "report", "threat-actor", "tool", "vulnerability", "relationship", "sighting",
        "marking-definition", "language-content", "extension-definition", "artifact", "autonomous-system",
        "directory", "domain-name", "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr",
        "mutex", "network-traffic", "process", "software", "url", "user-account", "windows-registry-key",
        "x509-certificate",
    }
)  # fmt: skip
SCO_KINDS = {"domain-name": "domain-name", "ipv4-addr": "ipv4-addr", "ipv6-addr": "ipv6-addr", "url": "url"}
_PATTERN = re.compile(r"^\[\s*([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$")
_PATH_KINDS = {
    ("domain-name", "value"): "domain-name",
    ("ipv4-addr", "value"): "ipv4-addr",
    ("ipv6-addr", "value"): "ipv6-addr",
    ("url", "value"): "url",
    ("email-addr", "value"): "email-addr",
    ("file", "hashes.md5"): "file-md5",
    ("file", "hashes.'md5'"): "file-md5",
    ("file", "hashes.'sha-1'"): "file-sha1",
    ("file", "hashes.sha1"): "file-sha1",
    ("file", "hashes.'sha-256'"): "file-sha256",
    ("file", "hashes.sha256"): "file-sha256",
    (WALLET_TYPE, "value"): "cryptocurrency-wallet",
    ("cryptocurrency-wallet", "value"): "cryptocurrency-wallet",
    ("cryptocurrency-wallet", "address"): "cryptocurrency-wallet",
}


def stamp(moment: datetime) -> str:
    """A STIX timestamp (UTC, milliseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def marking_definition(tlp: Tlp) -> dict[str, Any]:
    """The official TLP 2.0 marking-definition object of ``tlp`` (OASIS CTI common objects)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": STIX_MARKING_IDS[tlp],
        "created": TLP2_CREATED,
        "name": tlp.label,
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.value}},
    }


def identity_id(country: str) -> str:
    """The stable STIX identity id of a member country's bureau."""
    return f"identity--{uuid.uuid5(MANARA_NAMESPACE, 'member:' + country)}"


def identity_of(country: str) -> dict[str, Any]:
    """The STIX identity of a member country's bureau (the creator of its indicators)."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(country),
        "created": TLP2_CREATED,
        "modified": TLP2_CREATED,
        "name": f"Manara member {country}",
        "identity_class": "organization",
        "sectors": ["government-public-services"],
    }


def new_stix_id(kind: str) -> str:
    """A fresh STIX id for a new indicator of ``kind`` (a vulnerability is its own SDO)."""
    return f"{'vulnerability' if kind == 'vulnerability' else 'indicator'}--{uuid.uuid4()}"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def pattern_of(kind: str, value: str) -> str:
    """The STIX pattern matching an observable of ``kind`` with normalised ``value``."""
    if kind in HASH_STIX_NAMES:
        return f"[file:hashes.'{HASH_STIX_NAMES[kind]}' = '{_quote(value)}']"
    sco = WALLET_TYPE if kind == "cryptocurrency-wallet" else kind
    return f"[{sco}:value = '{_quote(value)}']"


def sdo_of(ind: CyberIndicator) -> dict[str, Any]:
    """The STIX domain object of one indicator: an ``indicator`` with its pattern, or a ``vulnerability``."""
    common: dict[str, Any] = {
        "spec_version": "2.1",
        "id": ind.stix_id,
        "created": stamp(ind.created_at),
        "modified": stamp(ind.updated_at),
        "created_by_ref": identity_id(ind.owner_country),
        "confidence": ind.confidence,
        "object_marking_refs": [STIX_MARKING_IDS[Tlp(ind.tlp)]],
    }
    if ind.labels:
        common["labels"] = list(ind.labels)
    if ind.revoked:
        common["revoked"] = True
    if ind.kind == "vulnerability":
        out = {"type": "vulnerability", "name": ind.value_key, **common}
        out["external_references"] = [{"source_name": "cve", "external_id": ind.value_key}]
        if ind.description:
            out["description"] = ind.description
        return out
    out = {
        "type": "indicator",
        **common,
        "name": ind.name or ind.value_key,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern_of(ind.kind, ind.value_key),
        "pattern_type": "stix",
        "valid_from": stamp(ind.first_seen or ind.created_at),
    }
    if ind.description:
        out["description"] = ind.description
    return out


def _sco(ind: CyberIndicator) -> dict[str, Any] | None:
    """The observable an indicator is based on, with the deterministic id the stix2 library computes."""
    marking = [STIX_MARKING_IDS[Tlp(ind.tlp)]]
    obj: Any
    if ind.kind in SCO_KINDS or ind.kind == "email-addr":
        cls = {
            "domain-name": stix2.DomainName,
            "ipv4-addr": stix2.IPv4Address,
            "ipv6-addr": stix2.IPv6Address,
            "url": stix2.URL,
            "email-addr": stix2.EmailAddress,
        }[ind.kind]
        obj = cls(value=ind.value_key, object_marking_refs=marking)
    elif ind.kind in HASH_STIX_NAMES:
        obj = stix2.File(hashes={HASH_STIX_NAMES[ind.kind]: ind.value_key}, object_marking_refs=marking)
    elif ind.kind == "cryptocurrency-wallet":
        ident = uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"), json.dumps({"value": ind.value_key}))
        return {
            "type": WALLET_TYPE,
            "spec_version": "2.1",
            "id": f"{WALLET_TYPE}--{ident}",
            "value": ind.value_key,
            "object_marking_refs": marking,
        }
    else:
        return None
    result: dict[str, Any] = json.loads(obj.serialize())
    return result


def _sdo_named(kind: str, name: str, ind: CyberIndicator) -> dict[str, Any]:
    ident = uuid.uuid5(MANARA_NAMESPACE, f"{kind}:{ind.owner_country}:{name.casefold()}")
    obj: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--{ident}",
        "created": stamp(ind.created_at),
        "modified": stamp(ind.created_at),
        "created_by_ref": identity_id(ind.owner_country),
        "name": name,
        "object_marking_refs": [STIX_MARKING_IDS[Tlp(ind.tlp)]],
    }
    if kind == "malware":
        obj["is_family"] = True
    return obj


def _relationship(rel: str, source: str, target: str, ind: CyberIndicator) -> dict[str, Any]:
    ident = uuid.uuid5(MANARA_NAMESPACE, f"rel:{rel}:{source}:{target}")
    return {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{ident}",
        "created": stamp(ind.created_at),
        "modified": stamp(ind.updated_at),
        "created_by_ref": identity_id(ind.owner_country),
        "relationship_type": rel,
        "source_ref": source,
        "target_ref": target,
        "object_marking_refs": [STIX_MARKING_IDS[Tlp(ind.tlp)]],
    }


def exportable(indicators: Iterable[CyberIndicator]) -> tuple[list[CyberIndicator], list[CyberIndicator]]:
    """Split indicators into those that may leave their owner and those held back (TLP:AMBER+STRICT, RED)."""
    out: list[CyberIndicator] = []
    held: list[CyberIndicator] = []
    for ind in indicators:
        (out if may_leave_owner(ind.tlp) else held).append(ind)
    return out, held


def build_bundle(indicators: Iterable[CyberIndicator], *, extra: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """A STIX 2.1 bundle of indicators that may leave their owner (the caller has split off the others):
    identities, the TLP 2.0 markings used, indicators/vulnerabilities, observables with observed-data, malware
    and threat actors, and relationships. The bundle is parsed back with the stix2 library before it is returned."""
    objects: dict[str, dict[str, Any]] = {}
    tlps: set[Tlp] = set()
    for ind in indicators:
        if not may_leave_owner(ind.tlp):
            raise ValueError(f"indicator {ind.id} is {ind.tlp} and may not be exported")
        tlps.add(Tlp(ind.tlp))
        ident = identity_of(ind.owner_country)
        objects.setdefault(ident["id"], ident)
        sdo = sdo_of(ind)
        objects[sdo["id"]] = sdo
        sco = _sco(ind)
        if sco is not None:
            objects.setdefault(sco["id"], sco)
            seen_first = ind.first_seen or ind.created_at
            seen_last = max(ind.last_seen or seen_first, seen_first)
            observed = {
                "type": "observed-data",
                "spec_version": "2.1",
                "id": f"observed-data--{uuid.uuid5(MANARA_NAMESPACE, 'obs:' + ind.id)}",
                "created": stamp(ind.created_at),
                "modified": stamp(ind.updated_at),
                "created_by_ref": ident["id"],
                "first_observed": stamp(seen_first),
                "last_observed": stamp(seen_last),
                "number_observed": 1,
                "object_refs": [sco["id"]],
                "object_marking_refs": [STIX_MARKING_IDS[Tlp(ind.tlp)]],
            }
            objects[observed["id"]] = observed
            rel = _relationship("based-on", sdo["id"], observed["id"], ind)
            objects[rel["id"]] = rel
        for kind, name, rel_type in (
            ("malware", ind.malware, "indicates"),
            ("threat-actor", ind.threat_actor, "indicates"),
        ):
            if name and sdo["type"] == "indicator":
                target = _sdo_named(kind, name, ind)
                objects.setdefault(target["id"], target)
                rel = _relationship(rel_type, sdo["id"], target["id"], ind)
                objects[rel["id"]] = rel
    for obj in extra:
        objects.setdefault(obj["id"], obj)
        for ref in obj.get("object_marking_refs", []):
            tlps.add(MARKING_TLP[ref])
    markings = [marking_definition(t) for t in sorted(tlps, key=lambda t: t.rank)]
    bundle: dict[str, Any] = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}"}
    if objects:  # an empty bundle has no objects property (and nothing for the library to check)
        bundle["objects"] = [*markings, *objects.values()]
        stix2.parse(bundle, allow_custom=True)  # raises on anything the library finds malformed
    return bundle


@dataclass
class Candidate:
    """An indicator read from a bundle or an event, not yet stored."""

    kind: str
    value: str
    value_key: str
    stix_id: str | None = None
    name: str = ""
    description: str = ""
    malware: str = ""
    threat_actor: str = ""
    labels: list[str] = field(default_factory=list)
    confidence: int | None = None
    tlp: Tlp | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None


@dataclass
class Parsed:
    """What a bundle or an event holds for Manara: candidates, refusals (id, type, reason), skipped objects."""

    received: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    skipped: int = 0


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _tlp_of(obj: dict[str, Any], bundle_markings: dict[str, Tlp]) -> Tlp | None:
    levels = [bundle_markings.get(ref) or MARKING_TLP.get(ref) for ref in obj.get("object_marking_refs", [])]
    found = [t for t in levels if t is not None]
    return max(found, key=lambda t: t.rank) if found else None


def _bundle_markings(objects: list[dict[str, Any]]) -> dict[str, Tlp]:
    """TLP levels of marking definitions a bundle carries (ids of the official sets, or tlp_2_0 extensions)."""
    found: dict[str, Tlp] = {}
    for obj in objects:
        if obj.get("type") != "marking-definition":
            continue
        ext = (obj.get("extensions") or {}).get(TLP2_EXTENSION) or {}
        level = ext.get("tlp_2_0") or (obj.get("definition") or {}).get("tlp")
        if level in ("white",):
            level = "clear"
        if isinstance(level, str) and level in {t.value for t in Tlp}:
            found[obj["id"]] = Tlp(level)
    return found


def validate_bundle(bundle: Any) -> list[dict[str, Any]]:
    """Check a bundle's shape, size, object types and STIX validity; return its objects or raise (422)."""
    from stix2validator import ValidationOptions, validate_instance  # slow import: only when importing

    if not isinstance(bundle, dict) or bundle.get("type") != "bundle" or not isinstance(bundle.get("objects"), list):
        raise ValidationFailed("not a STIX bundle", [{"field": "type", "message": 'a JSON object of type "bundle"'}])
    objects: list[dict[str, Any]] = bundle["objects"]
    if len(objects) > MAX_OBJECTS:
        raise ValidationFailed("bundle too large", [{"field": "objects", "message": f"at most {MAX_OBJECTS}"}])
    if not all(
        isinstance(o, dict) and isinstance(o.get("type"), str) and isinstance(o.get("id"), str) for o in objects
    ):
        raise ValidationFailed("malformed bundle", [{"field": "objects", "message": "objects need a type and an id"}])
    unknown = sorted({o["type"] for o in objects if o["type"] not in STIX21_TYPES and not o["type"].startswith("x-")})
    if unknown:
        raise ValidationFailed(
            "unknown object types", [{"field": "objects", "message": f"not STIX 2.1 types: {', '.join(unknown[:20])}"}]
        )
    result = validate_instance(bundle, ValidationOptions(version="2.1", strict=False))
    if not result.is_valid:
        errors = [str(e) for e in result.errors]
        for obj_result in getattr(result, "object_results", []) or []:
            errors.extend(f"{obj_result.object_id}: {e}" for e in obj_result.errors)
        raise ValidationFailed(
            "invalid STIX bundle", [{"field": "objects", "message": message[:500]} for message in errors[:50]]
        )
    return objects


def _candidate_from(obj: dict[str, Any], markings: dict[str, Tlp]) -> Candidate:
    """Read one supported object; raise ValueError with the reason when it cannot be stored."""
    kind: str
    value: str
    kind_type = obj["type"]
    if kind_type == "indicator":
        if obj.get("pattern_type") != "stix":
            raise ValueError(f"pattern type {obj.get('pattern_type')!r} is not stored (only stix patterns)")
        match = _PATTERN.match(str(obj.get("pattern", "")).strip())
        path_kind = _PATH_KINDS.get((match.group(1), match.group(2).lower())) if match else None
        if match is None or path_kind is None:
            raise ValueError("pattern is not one equality on a supported observable")
        kind, value = path_kind, re.sub(r"\\(.)", r"\1", match.group(3))
    elif kind_type in SCO_KINDS or kind_type == "email-addr":
        kind, value = SCO_KINDS.get(kind_type, kind_type), str(obj.get("value", ""))
    elif kind_type == "file":
        hashes = {k.upper().replace("-", ""): v for k, v in (obj.get("hashes") or {}).items()}
        best = next(
            (
                (k, hashes[h])
                for k, h in (("file-sha256", "SHA256"), ("file-sha1", "SHA1"), ("file-md5", "MD5"))
                if h in hashes
            ),
            None,
        )
        if best is None:
            raise ValueError("file without an MD5, SHA-1 or SHA-256 hash")
        kind, value = best
    elif kind_type in (WALLET_TYPE, "cryptocurrency-wallet"):
        kind, value = "cryptocurrency-wallet", str(obj.get("value") or obj.get("address") or "")
    elif kind_type == "vulnerability":
        refs = [r.get("external_id") for r in obj.get("external_references", []) if r.get("source_name") == "cve"]
        kind, value = "vulnerability", str(refs[0] if refs else obj.get("name", ""))
    else:
        raise ValueError("unsupported")
    try:
        key = normalize_value(kind, value)
    except ValidationFailed as exc:
        detail = exc.data.get("errors", [{}])[0].get("message", exc.message) if exc.data.get("errors") else exc.message
        raise ValueError(f"invalid {kind}: {detail}") from exc
    sdo = kind_type in ("indicator", "vulnerability")
    return Candidate(
        kind=kind,
        value=value,
        value_key=key,
        stix_id=obj["id"] if sdo else None,
        name=str(obj.get("name", ""))[:300],
        description=str(obj.get("description", ""))[:10_000],
        labels=[str(x)[:100] for x in obj.get("labels", [])][:20],
        confidence=obj.get("confidence") if isinstance(obj.get("confidence"), int) else None,
        tlp=_tlp_of(obj, markings),
        first_seen=_when(obj.get("valid_from")),
        last_seen=_when(obj.get("valid_until")),
    )


SKIPPED_TYPES = frozenset(
    {
        "identity",
        "marking-definition",
        "relationship",
        "malware",
        "threat-actor",
        "observed-data",
        "extension-definition",
    }
)


def read_objects(objects: list[dict[str, Any]]) -> Parsed:
    """Turn validated bundle objects into candidates; refuse what Manara cannot store, with the reason."""
    parsed = Parsed(received=len(objects))
    markings = _bundle_markings(objects)
    by_id = {o["id"]: o for o in objects}
    by_stix: dict[str, Candidate] = {}
    for obj in objects:
        kind_type = obj["type"]
        if kind_type in SKIPPED_TYPES:
            parsed.skipped += 1
            continue
        if obj.get("revoked") is True:
            parsed.refused.append({"id": obj["id"], "type": kind_type, "reason": "revoked"})
            continue
        try:
            cand = _candidate_from(obj, markings)
        except ValueError as exc:
            reason = str(exc)
            if reason == "unsupported":
                reason = f"{kind_type} objects are not stored (Manara keeps indicators, observables and CVEs)"
            parsed.refused.append({"id": obj["id"], "type": kind_type, "reason": reason})
            continue
        parsed.candidates.append(cand)
        by_stix[obj["id"]] = cand
    for obj in objects:  # indicator -indicates-> malware / threat-actor names the family and the actor
        if obj["type"] != "relationship" or obj.get("relationship_type") not in ("indicates", "attributed-to"):
            continue
        source, target = by_stix.get(obj.get("source_ref", "")), by_id.get(obj.get("target_ref", ""))
        if source is None or target is None:
            continue
        if target["type"] == "malware":
            source.malware = str(target.get("name", ""))[:200]
        elif target["type"] in ("threat-actor", "intrusion-set"):
            source.threat_actor = str(target.get("name", ""))[:200]
    return parsed
