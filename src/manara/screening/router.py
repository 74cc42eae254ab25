"""JSON API of screening: one person, one travel document."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from manara.api.deps import CurrentActor, DbSession
from manara.screening.index import ScreeningIndex
from manara.screening.schemas import DocumentCheck, ScreenIn, ScreenOut
from manara.screening.service import check_document, screen_person

router = APIRouter(tags=["screening"])


def screening_index(request: Request) -> ScreeningIndex:
    """Return this process's screening index."""
    index: ScreeningIndex = request.app.state.screening_index
    return index


@router.post("/screen", response_model=ScreenOut)
def screen(body: ScreenIn, request: Request, session: DbSession, actor: CurrentActor) -> ScreenOut:
    """Screen a person against every published notice you may see; matches on other members' notices
    raise hits to their owners. Documents with an issuing country are also checked against the register."""
    return screen_person(session, actor, screening_index(request), body)


@router.get("/documents/check", response_model=DocumentCheck)
def document_check(
    session: DbSession, actor: CurrentActor,
    number: Annotated[str, Query(min_length=1, max_length=64)],
    country: Annotated[str, Query(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")],
) -> DocumentCheck:  # fmt: skip
    """Check a travel document (number + issuing country) against documents reported stolen, lost or revoked."""
    return DocumentCheck.model_validate(check_document(session, actor, number, country))
