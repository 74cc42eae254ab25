"""Strict validation of submitted FollowTheMoney entities: every property and value must be valid."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import orjson
from followthemoney import model
from followthemoney.schema import Schema
from followthemoney.types import registry

from manara.errors import InvalidEntity
from manara.matching.identifiers import bitcoin_problem, iban_problem
from manara.text import sanitize

# Schemata members may submit: subjects, their documents and assets, and relations between them.
ALLOWED_SCHEMATA = frozenset(
    {
        "Person",
        "Organization",
        "Company",
        "LegalEntity",
        "PublicBody",
        "Address",
        "Identification",
        "Passport",
        "Vehicle",
        "Vessel",
        "Airplane",
        "CryptoWallet",
        "BankAccount",
        "UserAccount",
        "RealEstate",
        "Family",
        "Associate",
        "Membership",
        "Employment",
        "Ownership",
        "Directorship",
        "Payment",
        "UnknownLink",
        "Representation",
        "Occupancy",
        "Sanction",
        "Note",
        "Event",
        "Trip",
    }
)
MAX_VALUES_PER_PROPERTY = 200
MAX_ID_CHARS = 200
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # FtM keeps these as given when they are real dates
FREE_TEXT_TYPES = frozenset({"name", "string", "text"})  # sanitize() is their whole cleaning


@lru_cache(maxsize=65536)
def _clean_typed(type_name: str, text: str) -> str | None:
    """Clean a value of a structured FtM type (date, country, identifier, …); repeated values are cached."""
    return registry.get(type_name).clean(text)


@dataclass(frozen=True)
class ValidEntity:
    """An entity that passed validation, with its cleaned properties and content hash."""

    entity_id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]
    content_hash: str

    def to_ftm(self) -> dict[str, Any]:
        """Return the FtM JSON form."""
        return {"id": self.entity_id, "schema": self.schema, "properties": self.properties}


def _schema(name: Any) -> Schema:
    """Return the FtM schema named ``name`` if members may submit it."""
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None or schema.name not in ALLOWED_SCHEMATA:
        raise InvalidEntity(
            "unknown or unsupported schema",
            [{"field": "schema", "message": f"unsupported schema {str(name)[:60]!r}"}],
        )
    if schema.abstract:
        raise InvalidEntity("abstract schema", [{"field": "schema", "message": f"{schema.name} is abstract"}])
    return schema


def _entity_id(raw: Any) -> str:
    """Return a cleaned entity id or raise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidEntity("missing id", [{"field": "id", "message": "id must be a non-empty string"}])
    ident = sanitize(raw)
    if not ident or len(ident) > MAX_ID_CHARS or ident != raw.strip():
        raise InvalidEntity("invalid id", [{"field": "id", "message": "id has invalid characters or length"}])
    return ident


def _clean_one(type_name: str, raw: Any, max_chars: int) -> tuple[str | None, str | None]:
    """Clean one value; return (value, None) or (None, reason)."""
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        return None, "values must be strings"
    text = sanitize(str(raw), multiline=type_name == "text")
    if len(text) > max_chars:
        return None, f"value longer than {max_chars} characters"
    if type_name in FREE_TEXT_TYPES:
        value: str | None = text or None
    elif type_name == "date" and ISO_DATE.match(text):
        value = text if _valid_iso_date(text) else None
    else:
        value = _clean_typed(type_name, text) if text else None
    return (value, None) if value is not None else (None, f"invalid {type_name}: {text[:80]!r}")


def _valid_iso_date(text: str) -> bool:
    """Tell whether YYYY, YYYY-MM or YYYY-MM-DD names a real (partial) date, as FtM's date type does."""
    try:
        date.fromisoformat((text + "-01-01")[:10])
    except ValueError:
        return False
    return "0001" <= text[:4] <= "2999"


def _clean_values(schema: Schema, name: str, values: Any, max_chars: int) -> tuple[list[str], list[dict[str, Any]]]:
    """Clean the values of one property; return them and any errors."""
    prop = schema.get(name)
    field = f"properties.{name}"
    if prop is None or prop.stub:
        return [], [{"field": field, "message": f"{schema.name} has no property {name[:60]!r}"}]
    if not isinstance(values, list):
        values = [values]
    if len(values) > MAX_VALUES_PER_PROPERTY:
        return [], [{"field": field, "message": "too many values"}]
    cleaned: list[str] = []
    errors: list[dict[str, Any]] = []
    type_name = prop.type.name
    for raw in values:
        value, reason = _clean_one(type_name, raw, max_chars)
        if reason is not None:
            errors.append({"field": field, "message": reason})
        elif value is not None and value not in cleaned:
            cleaned.append(value)
    return cleaned, errors


# Identifiers with a maintained validator (python-stdnum): a value that fails it is refused, not stored as text.
BITCOIN_CURRENCIES = frozenset({"btc", "xbt", "bitcoin"})


def _reason(kind: str, problem: str | None) -> str | None:
    return f"invalid {kind}: {problem}" if problem else None


def _identifier_errors(schema: Schema, props: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Check IBANs of bank accounts and Bitcoin addresses of wallets with their own validators."""
    errors = [
        {"field": "properties.iban", "message": reason}
        for value in props.get("iban", [])
        if schema.is_a("BankAccount") and (reason := _reason("IBAN", iban_problem(value)))
    ]
    currencies = {c.strip().lower() for c in [*props.get("currency", []), *props.get("currencySymbol", [])]}
    if schema.is_a("CryptoWallet") and currencies & BITCOIN_CURRENCIES:
        errors += [
            {"field": "properties.publicKey", "message": reason}
            for value in props.get("publicKey", [])
            if (reason := _reason("Bitcoin address", bitcoin_problem(value)))
        ]
    return errors


def validate_entity(data: Any, *, max_chars: int = 10_000) -> ValidEntity:
    """Validate a submitted FtM entity dict strictly; raise InvalidEntity listing every problem."""
    if not isinstance(data, dict):
        raise InvalidEntity("entity must be a JSON object", [{"field": "", "message": "not an object"}])
    schema = _schema(data.get("schema"))
    entity_id = _entity_id(data.get("id"))
    raw_props = data.get("properties", {})
    if not isinstance(raw_props, dict):
        raise InvalidEntity("properties must be an object", [{"field": "properties", "message": "not an object"}])
    props: dict[str, list[str]] = {}
    errors: list[dict[str, Any]] = []
    for name, values in raw_props.items():
        cleaned, errs = _clean_values(schema, str(name), values, max_chars)
        errors.extend(errs)
        if cleaned:
            props[str(name)] = cleaned
    errors.extend(_identifier_errors(schema, props))
    if errors:
        raise InvalidEntity("invalid entity properties", errors)
    missing = [p for p in schema.required if not props.get(p)]
    if missing:
        raise InvalidEntity(
            "missing required properties",
            [{"field": f"properties.{p}", "message": "required"} for p in missing],
        )
    body = orjson.dumps({"schema": schema.name, "properties": props}, option=orjson.OPT_SORT_KEYS)
    return ValidEntity(entity_id, schema.name, caption(schema, props), props, hashlib.sha256(body).hexdigest())


def caption(schema: Schema, props: dict[str, list[str]]) -> str:
    """Return the display label of an entity: the first value of the schema's caption properties."""
    for name in schema.caption:
        if props.get(name):
            return props[name][0][:500]
    return schema.label
