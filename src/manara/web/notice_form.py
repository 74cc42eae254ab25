"""The notice form: its fields, the API request it becomes, and the API's errors mapped back to fields.

The form is a view of the API's own shapes (``NoticeIn``/``NoticePatch``, FtM ``Person``): every rule is
checked where the API checks it, and each error lands beside the field it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from manara.entity.models import Entity
from manara.errors import ChecksFailed, InvalidEntity, ManaraError, ValidationFailed
from manara.notice.checks import MIN_RED_PENALTY_YEARS
from manara.notice.models import Notice
from manara.notice.schemas import NoticeDetails
from manara.notice.types import NOTICE_TYPES, NoticeType
from manara.text import N_

# Subject: form field -> FtM Person property (the subject is the notice owner's Person record).
SUBJECT = {
    "last_name": "lastName",
    "first_name": "firstName",
    "aliases": "alias",
    "gender": "gender",
    "birth_date": "birthDate",
    "birth_place": "birthPlace",
    "nationality": "nationality",
    "passport_number": "passportNumber",
}
LIST_FIELDS = {"aliases", "nationality", "extradition_countries", "shared_with", "crime_areas"}  # several values
LINES = {"aliases"}  # one value per line; the other lists are comma-separated country codes
DETAILS = tuple(NoticeDetails.model_fields)
NOTICE = ("type", "title", "summary", "visibility", "shared_with", "review_date", "crime_areas")
FIELDS = (*NOTICE, *SUBJECT, *DETAILS)
COUNTRY_FIELDS = {"nationality", "extradition_countries", "shared_with"}
DATE_FIELDS = {"review_date", "birth_date", "warrant_date", "disappearance_date", "found_date"}
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

MESSAGES = {
    "required": N_("This field is required."),
    "required_for_type": N_("Required for this type of notice."),
    "subject_required": N_("Required for this type of notice: give at least the subject's family name."),
    "penalty": N_("A red notice needs an offence punishable by at least %(years)s years, or by life imprisonment."),
    "date": N_("Enter a date as YYYY-MM-DD."),
    "birth_date": N_("Use YYYY, YYYY-MM or YYYY-MM-DD."),
    "future": N_("Enter a date in the future."),
    "countries": N_("Use two-letter codes of member countries, separated by commas."),
    "number": N_("Enter a number of years between 0 and 200."),
    "too_long": N_("This text is too long."),
    "choice": N_("Choose one of the options."),
    "invalid": N_("This value is not valid."),
    "name": N_("Give the subject's family name."),
}


@dataclass
class FormErrors:
    """Error message ids per field, plus the arguments of their placeholders."""

    fields: dict[str, str] = field(default_factory=dict)
    args: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, key: str, **args: Any) -> None:
        """Keep the first message of a field (the most specific one comes first)."""
        self.fields.setdefault(name, MESSAGES[key])
        if args:
            self.args.setdefault(name, args)

    def __bool__(self) -> bool:
        return bool(self.fields)


def required_types() -> dict[str, list[str]]:
    """Return, per form field, the notice types that require it (the registry's, as the submission checks)."""
    found: dict[str, list[str]] = {}
    for ntype, info in NOTICE_TYPES.items():
        for name in info.required_fields:
            found.setdefault("last_name" if name == "subject" else name, []).append(ntype.value)
    found.setdefault("max_penalty_years", []).append(NoticeType.RED.value)  # the penalty rule of checks.py
    return found


def fieldset_types(*names: str) -> str:
    """Return the types (space-separated) that carry any of the given particulars: a fieldset's ``data-types``."""
    return " ".join(t.value for t, info in NOTICE_TYPES.items() if set(names) & set(info.detail_fields))


def form_token(value: str | None) -> str | None:
    """Return the form's duplicate-submit token if it is well formed."""
    return value if value and TOKEN.match(value) else None


def empty_form() -> dict[str, str]:
    """Return a blank notice form."""
    return {**dict.fromkeys(FIELDS, ""), "type": NoticeType.RED.value, "visibility": "all"}


def _text(value: Any, name: str) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, list):
        return ("\n" if name in LINES else ", ").join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_of(notice: Notice, subject: Entity | None) -> dict[str, str]:
    """Return the form of an existing notice (and its subject) for editing."""
    form = empty_form()
    form.update({name: _text(getattr(notice, name), name) for name in NOTICE})
    form.update({name: _text(notice.details.get(name), name) for name in DETAILS})
    if subject is not None:
        props = dict(subject.properties)
        if not props.get("lastName") and not props.get("firstName") and props.get("name"):
            # a subject submitted through the API with full names only: the first becomes the family
            # name field, the others aliases, so that saving the form keeps every name
            names = list(props["name"])
            props["lastName"], props["alias"] = names[:1], [*names[1:], *props.get("alias", [])]
        form.update({name: _text(props.get(prop), name) for name, prop in SUBJECT.items()})
    return form


def _split(name: str, raw: str) -> list[str]:
    parts = raw.splitlines() if name in LINES else re.split(r"[,\s]+", raw)
    return [p.strip() for p in parts if p.strip()]


def subject_properties(form: dict[str, str]) -> dict[str, list[str]]:
    """Return the FtM Person properties the form gives (empty when no subject field is filled)."""
    props = {
        prop: _split(name, form[name]) if name in LIST_FIELDS else [form[name].strip()]
        for name, prop in SUBJECT.items()
        if form[name].strip()
    }
    if props:
        given, family = form["first_name"].strip(), form["last_name"].strip()
        props["name"] = [f"{given} {family}".strip()] if family else []
    return props


def notice_body(form: dict[str, str]) -> dict[str, Any]:
    """Return the API request body of the form (subject aside), empty fields left out."""
    details: dict[str, Any] = {}
    for name in DETAILS:
        raw = form[name].strip()
        if name == "max_penalty_life":
            details[name] = True if raw else None
        elif raw:
            details[name] = _split(name, raw) if name in LIST_FIELDS else raw
    body: dict[str, Any] = {
        "type": form["type"],
        "title": form["title"].strip(),
        "summary": form["summary"].strip(),
        "details": {k: v for k, v in details.items() if v is not None},
        "visibility": form["visibility"] or "all",
        "shared_with": _split("shared_with", form["shared_with"]),
        "review_date": form["review_date"].strip() or None,
        # none chosen: the areas recognised in the offence text (manara.crime.from_offence) on creation
        "crime_areas": _split("crime_areas", form["crime_areas"]) or None,
    }
    return body


def _message_key(name: str, error_type: str) -> str:
    if name in COUNTRY_FIELDS:
        return "countries"
    if name in DATE_FIELDS or "date" in error_type:
        return "birth_date" if name == "birth_date" else "date"
    if error_type in ("missing", "string_too_short"):
        return "required"
    if error_type == "string_too_long":
        return "too_long"
    if name == "max_penalty_years":
        return "number"
    if error_type in ("literal_error", "enum"):
        return "choice"
    return "invalid"


def from_pydantic(exc: ValidationError, errors: FormErrors) -> None:
    """Map the API schema's validation errors to form fields."""
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        if not loc:
            continue
        name = loc[1] if loc[0] == "details" and len(loc) > 1 else loc[0]
        errors.add(name if name in FIELDS else "title", _message_key(name, str(err.get("type", ""))))


def from_domain(exc: ManaraError, errors: FormErrors) -> None:
    """Map the API's domain errors (field errors, entity errors, submission checks) to form fields."""
    if isinstance(exc, ChecksFailed):
        for failure in exc.data.get("failures", []):
            name = str(failure.get("field", ""))
            if failure.get("rule") == "penalty_threshold":
                errors.add("max_penalty_years", "penalty", years=MIN_RED_PENALTY_YEARS)
            elif name == "subject":
                errors.add("last_name", "subject_required")
            elif name in FIELDS:
                errors.add(name, "required_for_type")
        return
    if isinstance(exc, InvalidEntity):
        by_prop = {prop: name for name, prop in SUBJECT.items()}
        for item in exc.data.get("errors", []):
            prop = str(item.get("field", "")).removeprefix("properties.")
            name = by_prop.get(prop, "last_name")
            errors.add(name, "name" if prop == "name" else _message_key(name, ""))
        return
    if isinstance(exc, ValidationFailed):
        for item in exc.data.get("errors", []):
            name = str(item.get("field", ""))
            key = "future" if name == "review_date" else _message_key(name, "")
            errors.add(name if name in FIELDS else "title", key)
        return
    raise exc
