"""Load the demo network: ten member countries, users of every role, generated persons and notices
of every type in every status. Seeded and deterministic; refuses to run twice on one database."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.demo.actions import do_add_demo_key, do_expire_as_overdue
from manara.demo.assessment import load as load_assessment
from manara.demo.crypto import load as load_crypto
from manara.demo.cyber import load as load_cyber
from manara.demo.drone import load as load_drone
from manara.demo.media import load as load_media
from manara.demo.notices import NoticePlan, plan_notices
from manara.demo.persons import generate_persons, generate_related
from manara.demo.pursuit import load as load_pursuit
from manara.demo.training import load as load_training
from manara.demo.webhook import load as load_webhook
from manara.entity.actions import Placement, do_upsert_entities
from manara.entity.ftm import validate_entity
from manara.entity.service import get_by_natural_key
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.keys import KEY_PREFIX
from manara.member.models import Member
from manara.member.service import get_user_by_username
from manara.notice import actions as notice_actions
from manara.notice.schemas import NoticeIn
from manara.visibility import Visibility

DEMO_MEMBERS = {
    "MA": "Rabat",
    "DZ": "Algiers",
    "TN": "Tunis",
    "EG": "Cairo",
    "JO": "Amman",
    "LB": "Beirut",
    "AE": "Abu Dhabi",
    "FR": "Lyon",
    "ES": "Madrid",
    "DE": "Wiesbaden",
}
NEIGHBOURS = {
    "MA": ["ES", "FR", "DZ"],
    "DZ": ["MA", "TN", "FR"],
    "TN": ["DZ", "FR"],
    "EG": ["JO", "AE"],
    "JO": ["EG", "LB", "AE"],
    "LB": ["JO", "FR"],
    "AE": ["EG", "JO"],
    "FR": ["MA", "DZ", "ES", "DE"],
    "ES": ["MA", "FR"],
    "DE": ["FR", "TN"],
}
ROLE_ABBR = {
    Role.FRONTLINE_OFFICER: "fo",
    Role.BUREAU_OFFICER: "bo",
    Role.REVIEWER: "rv",
    Role.ANALYST: "an",
    Role.DUTY_OFFICER: "do",
    Role.ADMINISTRATOR: "ad",
}
DEMO_ACTOR = Actor(user_id="demo", username="demo-loader", country="ZZ", role=Role.ADMINISTRATOR)


@dataclass(frozen=True)
class DemoUser:
    """A demo user and the fixed, publicly documented demo API key."""

    username: str
    country: str
    role: Role
    token: str


def demo_token(country: str, role: Role) -> tuple[str, str, str]:
    """Return (prefix, secret, token) of the demo key of a country's user in ``role`` (demo only)."""
    prefix = f"{country.lower()}-{ROLE_ABBR[role]}"
    secret = f"demo-only-{country.lower()}-{ROLE_ABBR[role]}"
    return prefix, secret, f"{KEY_PREFIX}_{prefix}_{secret}"


def demo_password(country: str, role: Role) -> str:
    """Return the documented console password of a demo user, e.g. ``demo-ma-bo`` (demo only)."""
    return f"demo-{country.lower()}-{ROLE_ABBR[role]}"


def _create_users(session: Session, country: str) -> list[DemoUser]:
    agency = member_actions.do_create_agency(session, country, f"NCB {DEMO_MEMBERS[country]}", acting=DEMO_ACTOR)
    users = []
    for role in Role:
        username = f"{country.lower()}.{role.value}"
        user = member_actions.do_create_user(
            session,
            username,
            country=country,
            role=role,
            acting=DEMO_ACTOR,
            full_name=f"Demo {role.value.replace('_', ' ')} ({country})",
            agency_id=agency.id,
        )
        prefix, secret, token = demo_token(country, role)
        member_actions.do_set_password(session, user, demo_password(country, role), acting=DEMO_ACTOR, min_length=0)
        do_add_demo_key(session, user, prefix, secret)
        users.append(DemoUser(username, country, role, token))
    return users


def _placement(rng: random.Random, country: str) -> Placement:
    roll = rng.random()
    review = utcnow().date() + timedelta(days=rng.choice((180, 365, 730, 1825)))  # few groups: bulk upserts
    if roll < 0.7:
        return Placement(Visibility.ALL, (), review)
    if roll < 0.9:
        return Placement(Visibility.COUNTRIES, tuple(sorted(NEIGHBOURS[country])), review)
    return Placement(Visibility.OWNER, (), review)


def _load_persons(session: Session, actor: Actor, n: int, seed: int) -> list[str]:
    """Generate and store ``n`` persons (with related entities); return the persons' FtM ids."""
    rng = random.Random(f"{seed}-{actor.country}")  # noqa: S311 - seeded demo data, not security
    person_ids: list[str] = []
    batch: dict[Placement, list[dict[str, object]]] = {}
    for person in generate_persons(actor.country, n, seed=seed):
        place = _placement(rng, actor.country)
        group = batch.setdefault(place, [])
        group.append(person)
        person_ids.append(str(person["id"]))
        if rng.random() < 0.3:
            group.extend(generate_related(person, seed=seed))
    for place, items in batch.items():
        do_upsert_entities(session, actor, [validate_entity(d) for d in items], place)
    return person_ids


def _walk(session: Session, plan: NoticePlan, owner: Actor, reviewer: Actor, subject_pk: str) -> None:
    """Create a notice and take it through its planned lifecycle."""
    data = NoticeIn.model_validate({**plan.body, "subject_id": subject_pk})
    notice = notice_actions.do_create_notice(session, owner, data)
    if plan.status == "draft":
        return
    notice_actions.do_submit_notice(session, owner, notice)
    if plan.status in ("submitted", "under_review"):
        return
    decision = "refuse" if plan.status == "refused" else "approve"
    reasons = ["Predominantly political character (Article 3)."] if decision == "refuse" else []
    notice_actions.do_review_notice(session, reviewer, notice, decision, reasons)
    if plan.status == "cancelled":
        notice_actions.do_cancel_notice(session, owner, notice, "Subject arrested and extradited.")
    elif plan.status == "expired":
        do_expire_as_overdue(session, DEMO_ACTOR, notice)


# ``load(seed) -> summary`` of each domain's demo, run after the members, users, persons and notices exist.
DOMAIN_DEMOS: tuple[Callable[[int], str], ...] = (
    load_media,
    load_training,
    load_drone,
    load_crypto,
    load_cyber,
    load_assessment,
    load_pursuit,
    load_webhook,
)


def load_demo(*, persons: int, seed: int, keys_file: Path | None = None) -> str:
    """Load the whole demo network; return a one-line summary."""
    with unit_of_work() as session:
        if session.scalar(select(Member.code).limit(1)) is not None:
            return "demo network already loaded (members exist); nothing changed"
    users: list[DemoUser] = []
    countries = list(DEMO_MEMBERS)
    with unit_of_work() as session:
        for code in countries:
            member_actions.do_create_member(session, code, acting=DEMO_ACTOR)
        for code in countries:
            users.extend(_create_users(session, code))
    notices = 0
    per_country = max(persons // len(countries), 1)
    for i, code in enumerate(countries):
        with unit_of_work() as session:
            owner = demo_actor(session, code, Role.BUREAU_OFFICER)
            reviewer = demo_actor(session, countries[(i + 1) % len(countries)], Role.REVIEWER)
            ids = _load_persons(session, owner, per_country, seed)
            for j, plan in enumerate(plan_notices(code, seed)):
                subject = get_by_natural_key(session, code, ids[j % len(ids)])
                assert subject is not None
                _walk(session, plan, owner, reviewer, subject.id)
                notices += 1
    # Each domain's demo (cross-border networks of its own records), built through its actions: one
    # ``load(seed) -> summary`` per domain, appended to DOMAIN_DEMOS.
    extras = [load(seed) for load in DOMAIN_DEMOS]
    if keys_file is not None:
        keys_file.parent.mkdir(parents=True, exist_ok=True)
        keys_file.write_text("".join(f"{u.username}\t{u.country}\t{u.role.value}\t{u.token}\n" for u in users))
    return (
        f"demo network loaded: {len(countries)} members, {len(users)} users, "
        f"{per_country * len(countries)} persons, {notices} notices" + "".join(f", {e}" for e in extras)
    )


def demo_actor(session: Session, country: str, role: Role) -> Actor:
    """Return the actor of the demo user of ``country`` in ``role``."""
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)
