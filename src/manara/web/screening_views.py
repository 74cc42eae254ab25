"""Console screening: the form, and results with their explanations and the officer's next step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.api.deps import DbSession, screening_index
from manara.entity.models import Entity
from manara.errors import Forbidden, ValidationFailed
from manara.identity import Actor, Perm
from manara.matching.text import name_script
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.notice.types import is_urgent
from manara.screening.actions import do_screen_person
from manara.screening.schemas import MrzIn, MrzOut, ScreenIn, ScreenOut
from manara.screening.service import read_mrz
from manara.text import N_
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import gettext, page

router = APIRouter()
FIELD_ERRORS = {
    "names": N_("Enter at least one name."),
    "birth_date": N_("Use YYYY, YYYY-MM or YYYY-MM-DD."),
    "nationality": N_("Use a two-letter country code."),
    "documents": N_("Enter the document number (and a two-letter issuing country)."),
    "mrz": N_(
        "Paste the two or three lines of the zone: 2 × 44 characters (passport), 3 × 30 (identity card) or 2 × 36."
    ),
}
Text = Annotated[str, Form(max_length=4000)]
# The scripts a name may be written in, as an officer calls them (matching.text.script_of's names).
SCRIPTS = {
    "Latin": N_("Latin script"),
    "Arabic": N_("Arabic script"),
    "Cyrillic": N_("Cyrillic script"),
    "Greek": N_("Greek script"),
    "Hebrew": N_("Hebrew script"),
    "Han": N_("Chinese characters"),
    "Hangul": N_("Korean script"),
    "Hiragana": N_("Japanese script"),
    "Katakana": N_("Japanese script"),
    "Devanagari": N_("Devanagari script"),
    "Thai": N_("Thai script"),
    "Armenian": N_("Armenian script"),
    "Georgian": N_("Georgian script"),
    "Ethiopic": N_("Ethiopic script"),
}
RTL_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana"})
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")


@dataclass(frozen=True)
class Reason:
    """One reason of a score in plain words: a msgid (translated by the template), its value, its weight.

    ``side``: "for" (makes the match likelier), "against" (less likely) or "note" (how it was compared).
    """

    side: str
    text: str
    value: float | None = None


@dataclass(frozen=True)
class Name:
    """A name as written, with its script (a msgid, or the script's own name) and writing direction."""

    text: str
    script: str
    rtl: bool


def name_of(text: str) -> Name:
    """Return a name with the script it is written in."""
    script = name_script(text)
    return Name(text, SCRIPTS.get(script, script if script != "Common" else N_("Other script")), script in RTL_SCRIPTS)


def _name_reasons(features: dict[str, float]) -> list[Reason]:
    if "name" not in features:
        return [Reason("against", N_("No name could be compared."))]
    score = features["name"]
    if score >= 0.97:
        out = [Reason("for", N_("The names agree closely (%(value)s)."), score)]
    elif score >= 0.8:
        out = [Reason("for", N_("The names are similar (%(value)s)."), score)]
    elif score >= 0.5:
        out = [Reason("note", N_("The names agree only in part (%(value)s)."), score)]
    else:
        text = N_("The names hardly agree (%(value)s): the other particulars alone never alert.")
        out = [Reason("against", text, score)]
    if score >= 0.5 and features.get("name_part_min", 1.0) < 0.9:
        out.append(Reason("note", N_("At least one part of the name is spelt differently.")))
    if features.get("name_unmatched_query", 0) > 0.05:
        out.append(Reason("against", N_("Part of the names screened has no counterpart on the record.")))
    if features.get("name_unmatched_record", 0) > 0.05:
        out.append(Reason("note", N_("The record has name parts that were not screened.")))
    if features.get("name_loose", 0) > 0:
        out.append(Reason("note", N_("A name written without vowels (such as Arabic) was compared by its consonants.")))
    return out


FACT_REASONS: tuple[tuple[str, str, str], ...] = (
    ("dob_exact", "for", N_("Same birth date.")),
    ("dob_swapped", "for", N_("Same birth date with day and month swapped, a common clerical error.")),
    ("dob_partial", "for", N_("The birth dates agree in part (the year, or the year and month).")),
    ("dob_near", "against", N_("The birth dates are close but not the same.")),
    ("dob_mismatch", "against", N_("Different birth dates.")),
    ("nationality_match", "for", N_("Same nationality.")),
    ("nationality_mismatch", "against", N_("Different nationalities.")),
    ("gender_mismatch", "against", N_("Different sex on the record.")),
    ("document_match", "for", N_("Same travel document number: this alone raises an alert.")),
)


def explain(features: dict[str, float]) -> list[Reason]:
    """Say in plain words why a candidate scored as it did (the scorer's features, matching/scorer.py)."""
    out = _name_reasons(features)
    out += [Reason(side, text) for key, side, text in FACT_REASONS if features.get(key)]
    if "face" in features:
        likelier = features.get("face_llr", 0.0) > 0
        text = (
            N_("The face photo resembles the record's (%(value)s).")
            if likelier
            else N_("The face photo does not resemble the record's (%(value)s).")
        )
        out.append(Reason("for" if likelier else "against", text, features["face"]))
    return out


def name_pairs(explanation: str) -> list[tuple[str, str, float]]:
    """Return the name parts the scorer aligned (``query~record score; ...``), as spelt for comparison."""
    pairs = []
    for part in explanation.split(";"):
        left, _, rest = part.strip().partition("~")
        right, _, value = rest.rpartition(" ")
        try:
            pairs.append((left, right, float(value)))
        except ValueError:
            continue
    return [p for p in pairs if p[0] and p[1]]


def _subject_facts(props: dict[str, Any]) -> dict[str, Any]:
    """Return a subject's names (every script, as written), birth dates and nationalities."""

    def values(*keys: str) -> list[str]:
        out: list[str] = []
        for key in keys:
            value = props.get(key) or []
            out += [str(v) for v in ([value] if isinstance(value, str) else value) if v]
        return list(dict.fromkeys(out))

    names = values(*NAME_PROPS)
    composed = " ".join(values("firstName")[:1] + values("lastName")[:1])
    if composed and composed not in names:
        names.insert(0, composed)
    return {
        "names": [name_of(n) for n in names[:12]],
        "birth_dates": values("birthDate")[:3],
        "nationalities": [v.upper() for v in values("nationality", "citizenship")[:3]],
    }


def candidates(session: Session, actor: Actor, outcome: ScreenOut) -> dict[str, dict[str, Any]]:
    """Return, per result's notice, its subject's names and particulars; only notices the actor may see.

    The screening's audit event names these notices (screening/actions.py): this read is part of it.
    """
    ids = [r.notice_id for r in outcome.results]
    if not ids:
        return {}
    rows = session.execute(
        select(Notice.id, Entity.properties)
        .join(Entity, Entity.id == Notice.subject_id)
        .where(Notice.id.in_(ids), notice_visibility_filter(actor))
    ).all()
    found = {notice_id: _subject_facts(props or {}) for notice_id, props in rows}
    for r in outcome.results:
        facts = found.get(r.notice_id)
        if facts is not None:
            facts["reasons"] = explain(r.features)
            facts["pairs"] = name_pairs(r.explanation)
    return found


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
    empty = dict.fromkeys(FORM_FIELDS, "")
    return page(request, "screen.html", form=empty, errors={}, outcome=None, query_names=[])


FORM_FIELDS = ("names", "birth_date", "nationality", "document_number", "document_country", "mrz")


def _form_of(query: ScreenIn, mrz: str) -> dict[str, str]:
    """The form as the zone filled it in, so the officer sees (and may correct) what was read."""
    document = query.documents[0] if query.documents else None
    return {
        "names": "\n".join(query.names),
        "birth_date": query.birth_date or "",
        "nationality": query.nationality or "",
        "document_number": document.number if document else "",
        "document_country": (document.country or "") if document else "",
        "mrz": mrz,
    }


@router.post("/screen/mrz", dependencies=[CsrfChecked])
def screen_mrz(request: Request, session: DbSession, actor: ConsoleActor, mrz: Text = "") -> Response:
    """Read a machine-readable zone, fill the form with what it holds and screen the holder; the zone's check
    digits are shown (a failure means a misread or an altered document)."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    try:
        query, read = read_mrz(MrzIn(mrz=mrz))
    except (ValidationError, ValidationFailed):
        form = {**dict.fromkeys(FORM_FIELDS, ""), "mrz": mrz}
        errors = {"mrz": gettext(request, FIELD_ERRORS["mrz"])}
        return page(request, "screen.html", status=422, form=form, errors=errors, outcome=None, query_names=[])
    return _results(request, session, actor, query, _form_of(query, mrz), read)


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
        "mrz": "",
    }
    try:
        query = ScreenIn.model_validate(_query(form))
    except ValidationError as exc:
        return page(
            request, "screen.html", status=422, form=form, errors=_errors(request, exc), outcome=None, query_names=[]
        )
    return _results(request, session, actor, query, form, None)


def _results(
    request: Request, session: Session, actor: Actor, query: ScreenIn, form: dict[str, str], read: MrzOut | None
) -> Response:
    outcome = do_screen_person(session, actor, screening_index(request), query)
    return page(
        request,
        "screen.html",
        form=form,
        errors={},
        outcome=outcome,
        query_names=[name_of(n) for n in query.names],
        candidates=candidates(session, actor, outcome),
        is_urgent=is_urgent,
        mrz_read=read,
    )
