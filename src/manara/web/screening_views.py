"""Console screening: the form, and results with their explanations and the officer's next step."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from manara.api.deps import DbSession, screening_index
from manara.errors import Forbidden
from manara.identity import Perm
from manara.screening.actions import do_screen_person
from manara.screening.schemas import ScreenIn
from manara.text import N_
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import gettext, page

router = APIRouter()
FIELD_ERRORS = {
    "names": N_("Enter at least one name."),
    "birth_date": N_("Use YYYY, YYYY-MM or YYYY-MM-DD."),
    "nationality": N_("Use a two-letter country code."),
    "documents": N_("Enter the document number (and a two-letter issuing country)."),
}
Text = Annotated[str, Form(max_length=4000)]


def _query(form: dict[str, str]) -> dict[str, Any]:
    """Turn the form into the API's screening request (one name per line)."""
    names = [line.strip() for line in form["names"].splitlines() if line.strip()]
    body: dict[str, Any] = {
        "names": names,
        "birth_date": form["birth_date"].strip() or None,
        "nationality": form["nationality"].strip() or None,
    }
    if form["document_number"].strip():
        body["documents"] = [
            {"number": form["document_number"].strip(), "country": form["document_country"].strip() or None}
        ]
    return body


def _errors(request: Request, exc: ValidationError) -> dict[str, str]:
    """Return a translated message per form field, shown beside the field."""
    fields = {str(err["loc"][0]) for err in exc.errors() if err.get("loc")}
    return {f: gettext(request, FIELD_ERRORS[f]) for f in fields if f in FIELD_ERRORS}


@router.get("/screen")
def screen_form(request: Request, actor: ConsoleActor) -> Response:
    """Show the screening form."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    empty = dict.fromkeys(("names", "birth_date", "nationality", "document_number", "document_country"), "")
    return page(request, "screen.html", form=empty, errors={}, outcome=None)


@router.post("/screen", dependencies=[CsrfChecked])
def screen(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    names: Text = "",
    birth_date: Text = "",
    nationality: Text = "",
    document_number: Text = "",
    document_country: Text = "",
) -> Response:
    """Screen a person as the API does (hits are raised to the owners) and show the results."""
    form = {
        "names": names,
        "birth_date": birth_date,
        "nationality": nationality,
        "document_number": document_number,
        "document_country": document_country,
    }
    try:
        query = ScreenIn.model_validate(_query(form))
    except ValidationError as exc:
        return page(request, "screen.html", status=422, form=form, errors=_errors(request, exc), outcome=None)
    outcome = do_screen_person(session, actor, screening_index(request), query)
    return page(request, "screen.html", form=form, errors={}, outcome=outcome)
