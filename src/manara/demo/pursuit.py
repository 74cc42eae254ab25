"""Demo of the pursuit domain: a running coordinated operation led by Morocco with Algeria, Tunisia, Egypt,
France and Spain hunting 20 wanted persons from the demo red notices (arrests, locations, misses); pursuits in
several states: a provisional arrest in Tunisia on an Algerian notice near its Riyadh Agreement deadline, a
Tunisian fugitive located in France, an Egyptian request pending in Morocco, a French fugitive surrendered by
Spain under the European Convention; sightings with positions; one public appeal with a tip."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username
from manara.notice.models import Notice
from manara.pursuit import actions
from manara.pursuit.actions import NewTarget
from manara.pursuit.models import Operation, OperationTarget, TargetStatus
from manara.pursuit.schemas import AppealIn, OperationIn, SightingIn, StepIn, TipIn
from manara.settings import get_settings
from manara.storage import LocalBlobStore

PARTICIPANTS = ("MA", "DZ", "TN", "EG", "FR", "ES")
CITIES = {
    "MA": (33.5731, -7.5898, "Casablanca"),
    "DZ": (36.7538, 3.0588, "Algiers"),
    "TN": (36.8065, 10.1815, "Tunis"),
    "EG": (30.0444, 31.2357, "Cairo"),
    "FR": (43.2965, 5.3698, "Marseille"),
    "ES": (36.7213, -4.4214, "Málaga"),
}


def _actor(session: Session, country: str, role: Role = Role.BUREAU_OFFICER) -> Actor:
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def _wanted(session: Session, owner: str | None = None) -> list[Notice]:
    """Published red notices and diffusions distributed to every member (of ``owner``, or of anyone)."""
    stmt = (
        select(Notice)
        .where(
            Notice.owner_country == owner if owner else Notice.owner_country.is_not(None),
            Notice.type.in_(("red", "diffusion")),
            Notice.status == "published",
            Notice.visibility == "all",
        )
        .order_by(Notice.type.desc(), Notice.reference)  # red notices first
    )
    return list(session.scalars(stmt))


def _walk(session: Session, notice: Notice, steps: list[tuple[str, str, int, str]], members: list[str]) -> None:
    """Open a pursuit on ``notice`` and take ``steps`` (state, acting country, days ago, reason)."""
    owner = _actor(session, notice.owner_country)
    pursuit = actions.do_open_pursuit(session, owner, notice.id, members)
    now = utcnow()
    for to, country, days_ago, reason in steps:
        at = now - timedelta(days=days_ago)
        actor = _actor(session, country)
        if to in ("location_suspected", "located"):
            lat, lon, city = CITIES[country if to == "located" else members[0]]
            seen = SightingIn(
                source="report",
                country=country if to == "located" else members[0],
                place=city,
                lat=lat,
                lon=lon,
                seen_at=at,
                note="",
            )
            actions.do_add_sighting(session, actor, pursuit, seen)
        step = StepIn(to=to, reason=reason, at=at, country=members[0] if to == "location_suspected" else None)
        actions.do_step(session, actor, pursuit, step)


def load(seed: int) -> str:
    """Build the pursuit demo; return its summary."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = utcnow().date()
    with unit_of_work() as session:
        leader = _actor(session, "MA")
        op = actions.do_create_operation(
            session,
            leader,
            OperationIn(
                code="ATLAS-SAHEL-26",
                name="Atlas–Sahel fugitive operation",
                participants=[c for c in PARTICIPANTS if c != "MA"],
                starts_on=today - timedelta(days=3),
                ends_on=today + timedelta(days=4),
            ),
        )
        pool = _wanted(session)  # the demo network's wanted persons, every member's
        rng.shuffle(pool)
        picked = pool[:20]
        found = [NewTarget(n, PARTICIPANTS[i % len(PARTICIPANTS)], "manual") for i, n in enumerate(picked)]
        actions.do_add_targets(session, leader, op, found)
        targets = list(session.scalars(select(OperationTarget).where(OperationTarget.operation_id == op.id)))
        outcome = [TargetStatus.ARRESTED, TargetStatus.LOCATED, TargetStatus.NOT_LOCATED, TargetStatus.SOUGHT]
        for i, t in enumerate(sorted(targets, key=lambda t: t.reference)):
            status = outcome[i % len(outcome)]
            if status == TargetStatus.SOUGHT:
                continue
            lat, lon, _ = CITIES[t.responsible_country]
            jitter = rng.uniform(-0.2, 0.2)
            operation = session.get(Operation, op.id)
            assert operation is not None
            actions.do_update_target(
                session,
                _actor(session, t.responsible_country),
                operation,
                t,
                status,
                lat=lat + jitter,
                lon=lon + jitter,
            )
        arrested = sum(1 for t in targets if t.status == TargetStatus.ARRESTED)
    used: set[str] = set()  # a pursued person may also be a target of the operation, never pursued twice
    with unit_of_work() as session:
        pursuits = 0
        plans = [
            # Algeria's fugitive arrested in Tunisia 28 days ago: the Riyadh Agreement gives 30 days.
            (
                "DZ",
                ["TN"],
                [("location_suspected", "DZ", 33, ""), ("located", "TN", 30, ""), ("provisional_arrest", "TN", 28, "")],
            ),
            ("TN", ["FR"], [("location_suspected", "TN", 6, ""), ("located", "FR", 2, "")]),
            (
                "EG",
                ["MA"],
                [
                    ("located", "MA", 20, ""),
                    ("provisional_arrest", "MA", 19, ""),
                    ("extradition_requested", "EG", 5, ""),
                ],
            ),
            (
                "FR",
                ["ES"],
                [
                    ("located", "ES", 60, ""),
                    ("provisional_arrest", "ES", 59, ""),
                    ("extradition_requested", "FR", 45, ""),
                    ("granted", "ES", 20, "Audiencia Nacional"),
                    ("surrendered", "ES", 10, ""),
                ],
            ),
            ("MA", ["DZ", "FR"], []),
        ]
        for owner, members, steps in plans:
            notice = next((n for n in _wanted(session, owner) if n.id not in used), None)
            if notice is None:
                continue
            used.add(notice.id)
            _walk(session, notice, steps, members)
            pursuits += 1
        appeal_notice = next((n for n in _wanted(session, "MA") if n.id not in used), None)
        appeals = 0
        if appeal_notice is not None:
            ma = _actor(session, "MA")
            appeal = actions.do_publish_appeal(
                session,
                ma,
                AppealIn(
                    notice_id=appeal_notice.id,
                    fields=["name", "birth_year", "nationality", "offence", "description"],
                    description="May be travelling between Tangier and Algeciras. Do not approach.",
                ),
            )
            store = LocalBlobStore(get_settings().data_dir / "tips")
            actions.do_receive_tip(
                session,
                appeal,
                TipIn(body="Seen near the ferry port of Tanger Med last week.", language="fr"),
                "demo",
                store,
            )
            appeals = 1
    return f"1 operation ({len(targets)} targets, {arrested} arrested), {pursuits} pursuits, {appeals} public appeal"
