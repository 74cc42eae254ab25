"""Conditional requests (RFC 9110 §13): every record that can be updated has an entity tag, sent as ``ETag`` when
it is read or written; an update that carries ``If-Match`` is refused with 412 when the record changed since,
so two editors never overwrite each other silently. Incremental sync: ``updated_after`` on the lists."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import Header, Query, Request, Response

from manara.errors import PreconditionFailed


class Versioned(Protocol):
    """A record with an id and a last-update time (TimestampMixin)."""

    id: str
    updated_at: datetime


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description="The ETag you read; the update is refused with 412 if the record changed since",
    ),
]
UpdatedAfter = Annotated[
    datetime | None,
    Query(
        description="Incremental sync: only records updated at or after this time, oldest first; pass the last "
        "item's `updated_at` next time (an item may come twice, never be missed)"
    ),
]


def entity_tag(row: Versioned) -> str:
    """The strong entity tag of a record's current version."""
    stamp = row.updated_at.replace(tzinfo=None).isoformat(timespec="microseconds")
    return '"' + hashlib.sha256(f"{row.id}|{stamp}".encode()).hexdigest()[:24] + '"'


def send_tag(response: Response, row: Versioned) -> None:
    """Put the record's entity tag on the response."""
    response.headers["ETag"] = entity_tag(row)


def send_location(request: Request, response: Response, resource_id: str) -> None:
    """Name a record created by a POST to a collection: ``Location: <collection path>/<id>``."""
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{resource_id}"


def require_match(if_match: str | None, row: Versioned) -> None:
    """Refuse an update whose ``If-Match`` names another version of the record (``*`` matches any)."""
    if if_match is None:
        return
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    current = entity_tag(row)
    if "*" not in wanted and current not in wanted:
        raise PreconditionFailed("the record changed since you read it: read it again, then retry", etag=current)
