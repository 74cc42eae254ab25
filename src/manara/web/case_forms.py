"""Problems of the case forms (open a case, invite, message, task) as messages beside their fields.

A refused form comes back as its own page (422) with what the user typed and, beside each field, a
translated message; nothing was written. Field ids are the forms' control ids (``c-title``, ``inv``,
``msg-body``, ``t-title`` …), so the template marks the right control (``aria-invalid``,
``aria-describedby``) and the summary at the top links to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from manara.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed
from manara.text import N_
from manara.web import i18n
from manara.web.render import gettext

REQUIRED = N_("This field is required.")
INVALID = N_("This value is not valid.")
COUNTRIES = N_("Enter two-letter codes of member countries, separated by commas, e.g. FR, ES.")
NOT_MEMBERS = N_("Not member countries of the network: %(codes)s.")
ASSIGNEE = N_("Choose a member country of the case.")
TOO_LONG = N_("This text is too long.")
FILE_TOO_LARGE = N_("The attachment is larger than %(size)s bytes; nothing was posted.")
FILE_TYPE = N_("This file type is not accepted, or its content does not match its name; nothing was posted.")
FILE_EMPTY = N_("The attachment is empty; nothing was posted.")
MESSAGES = {"country": COUNTRIES, "countries": COUNTRIES, "assignee": ASSIGNEE}

# Model field (first part of a pydantic ``loc`` or a ValidationFailed ``field``) → form control id, per form.
FIELDS: dict[str, dict[str, str]] = {
    "open": {
        "title": "c-title",
        "summary": "c-summary",
        "tlp": "c-tlp",
        "priority": "c-priority",
        "invite": "c-invite",
        "countries": "c-invite",
    },
    "invite": {"countries": "inv"},
    "message": {"body": "msg-body", "parent_id": "msg-parent", "file": "msg-file"},
    "task": {
        "title": "t-title",
        "assignee_country": "t-country",
        "assignee_user_id": "t-country",
        "due_at": "t-due",
        "description": "t-title",
    },
}


def _pydantic(request: Request, form: str, exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in exc.errors():
        field = str(e["loc"][0]) if e.get("loc") else ""
        control = FIELDS[form].get(field)
        if control is None or control in errors:
            continue
        kind = str(e.get("type", ""))
        if kind == "missing" or (kind in ("string_too_short", "too_short") and not str(e.get("input", "")).strip()):
            message = REQUIRED
        elif kind == "string_too_long" or kind == "too_long":
            message = TOO_LONG
        else:
            message = COUNTRIES if field in ("invite", "countries") else MESSAGES.get(field, INVALID)
        errors[control] = gettext(request, message)
    return errors


def _unknown_countries(detail: Iterable[Mapping[str, Any]]) -> str:
    text = " ".join(str(d.get("message", "")) for d in detail)
    return ", ".join(
        sorted(
            {
                c
                for c in text.replace("'", " ").replace("[", " ").replace("]", " ").replace(",", " ").split()
                if len(c) == 2 and c.isupper()
            }
        )
    )


def form_errors(request: Request, form: str, exc: Exception) -> dict[str, str]:
    """Return {control id: translated message} of a refused case form (at least one entry)."""
    if isinstance(exc, ValidationError):
        errors = _pydantic(request, form, exc)
    elif isinstance(exc, PayloadTooLarge):
        size = i18n.fmt_number(int(exc.data.get("limit", 0)), i18n.choose_language(request))
        errors = {"msg-file": gettext(request, FILE_TOO_LARGE) % {"size": size}}
    elif isinstance(exc, UnsupportedMedia):
        errors = {"msg-file": gettext(request, FILE_TYPE)}
    elif isinstance(exc, ValidationFailed):
        detail = [d for d in exc.data.get("errors", []) if isinstance(d, Mapping)]
        fields = [str(d.get("field", "")) for d in detail]
        errors = {}
        for field in fields:
            control = FIELDS[form].get(field)
            if control is None:
                continue
            if field == "countries":
                errors[control] = gettext(request, NOT_MEMBERS) % {"codes": _unknown_countries(detail)}
            elif field == "file":
                errors[control] = gettext(request, FILE_EMPTY)
            else:
                errors[control] = gettext(request, MESSAGES.get(field.split("_")[0], INVALID))
    else:
        errors = {}
    first = next(iter(FIELDS[form].values()))
    return errors or {first: gettext(request, INVALID)}


REFUSED = (ValidationError, ValidationFailed, PayloadTooLarge, UnsupportedMedia)
