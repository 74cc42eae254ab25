"""TAXII 2.1 client: pull a partner's collection into a member's indicators (``taxii2-client``).

A pull reads every page after the feed's stored cursor (``added_after``: the partner's
``X-TAXII-Date-Added-Last`` of the last page, or the newest ``date_added`` of its manifest), validates the
objects as STIX 2.1, stores what Manara keeps and advances the cursor — all in the caller's transaction, so a
failed pull stores nothing and the next one starts from the same point.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy.orm import Session
from taxii2client.v21 import Collection, as_pages

from manara.cyber import actions, stix
from manara.cyber.models import TaxiiFeed
from manara.cyber.schemas import Placement
from manara.errors import BadRequest, ValidationFailed
from manara.identity import Actor
from manara.tlp import Tlp
from manara.visibility import Visibility

MAX_PULL = 200_000


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>`` (Manara's API keys; taxii2-client's TokenAuth writes ``Token``)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass
class Credentials:
    """How to authenticate to a partner server: a bearer token, or HTTP Basic."""

    token: str | None = None
    user: str | None = None
    password: str | None = None


def open_collection(url: str, creds: Credentials) -> Collection:
    """A taxii2-client collection with the given credentials."""
    if creds.token:
        return Collection(url, auth=BearerAuth(creds.token))
    return Collection(url, user=creds.user, password=creds.password)


def fetch(
    url: str, creds: Credentials, *, added_after: str | None, per_request: int = 1000
) -> tuple[list[dict[str, Any]], str | None]:
    """Every object of a partner collection added after ``added_after``; and the new cursor."""
    collection = open_collection(url, creds)
    last: list[str] = []

    def remember(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        value = response.headers.get("X-TAXII-Date-Added-Last")
        if value:
            last.append(value)

    collection._conn.session.hooks["response"].append(remember)  # the client keeps response headers to itself
    objects: list[dict[str, Any]] = []
    filters = {"added_after": added_after} if added_after else {}
    try:
        for envelope in _pages(collection, per_request, filters):
            objects.extend(envelope.get("objects", []))
            if len(objects) > MAX_PULL:
                raise ValidationFailed("pull too large", [{"field": "objects", "message": f"more than {MAX_PULL}"}])
        cursor = max(last) if last else _manifest_cursor(collection, filters)
    except requests.RequestException as exc:
        raise BadRequest(f"TAXII server error: {exc}", url=url) from exc
    finally:
        collection.close()
    return objects, cursor or added_after


def _pages(collection: Collection, per_request: int, filters: dict[str, str]) -> Iterator[dict[str, Any]]:
    yield from as_pages(collection.get_objects, per_request=per_request, **filters)


def _manifest_cursor(collection: Collection, filters: dict[str, str]) -> str | None:
    dates = [
        entry["date_added"]
        for page in as_pages(collection.get_manifest, per_request=1000, **filters)
        for entry in page.get("objects", [])
        if "date_added" in entry
    ]
    return max(dates) if dates else None


def pull(session: Session, actor: Actor, feed: TaxiiFeed, creds: Credentials) -> dict[str, Any]:
    """Pull a feed into the actor's country's indicators and advance its cursor; return the import report."""
    objects, cursor = fetch(feed.collection_url, creds, added_after=feed.added_after)
    known = [o for o in objects if isinstance(o, dict) and o.get("type") in stix.STIX21_TYPES | {stix.WALLET_TYPE}]
    parsed = stix.read_objects(
        stix.validate_bundle({"type": "bundle", "id": stix_bundle_id(), "objects": known}) if known else []
    )
    parsed.received = len(objects)
    parsed.refused.extend(
        {"id": str(o.get("id", "?")), "type": str(o.get("type", "?")), "reason": "unknown object type"}
        for o in objects
        if o not in known
    )
    place = Placement(tlp=Tlp(feed.tlp), visibility=Visibility(feed.visibility), shared_with=list(feed.shared_with))
    report = actions.do_store_parsed(session, actor, parsed, place, source=f"taxii:{feed.name}", fmt="taxii")
    actions.do_record_pull(session, actor, feed, cursor, report["stored"] + report["updated"])
    return report


def stix_bundle_id() -> str:
    """A fresh bundle id (pages are validated as one bundle)."""
    return f"bundle--{uuid.uuid4()}"
