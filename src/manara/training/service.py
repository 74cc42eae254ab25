"""Training queries and pure helpers shared by the API, the console and the CLI; never writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.identity import ROLE_PERMS, Actor, Perm, Role
from manara.member.models import User
from manara.pagination import Page, paginate
from manara.settings import get_settings
from manara.training import credential, keys
from manara.training.access import (
    certificate_visibility_filter,
    course_visibility_filter,
    enrolment_visibility_filter,
)
from manara.training.models import Certificate, Course, Enrolment, SigningKey, TrainingSession

TRAINING_PERMS = frozenset({Perm.TRAINING_READ.value, Perm.TRAINING_MANAGE.value})
GATE_ALL = "*"


def list_courses(
    session: Session, actor: Actor, *, crime_area: str | None, owner: str | None, page: int, page_size: int
) -> Page[Course]:
    """Return a page of the catalogue the actor may see."""
    stmt = select(Course).where(course_visibility_filter(actor))
    if owner:
        stmt = stmt.where(Course.owner_country == owner.upper())
    rows = paginate(session, stmt.order_by(Course.owner_country, Course.code), page=1, page_size=10_000)
    items = [c for c in rows.items if crime_area is None or crime_area in c.crime_areas]
    start = (page - 1) * page_size
    return Page(items=items[start : start + page_size], total=len(items), page=page, page_size=page_size)


def course_by_code(session: Session, code: str) -> Sequence[Course]:
    """Return every course with this code (any owner)."""
    return session.scalars(select(Course).where(Course.code == code.upper())).all()


def sessions_of(session: Session, course_id: str) -> Sequence[TrainingSession]:
    """Return the sessions of a course, soonest first."""
    stmt = select(TrainingSession).where(TrainingSession.course_id == course_id)
    return session.scalars(stmt.order_by(TrainingSession.starts_on, TrainingSession.id)).all()


def seat_counts(session: Session, session_id: str) -> tuple[int, int]:
    """Return ``(enrolled, waitlisted)`` of a session (completed and failed officers held a seat)."""
    stmt = select(Enrolment.status, func.count()).where(Enrolment.session_id == session_id).group_by(Enrolment.status)
    counts: dict[str, int] = {str(row[0]): int(row[1]) for row in session.execute(stmt).all()}
    seated = counts.get("enrolled", 0) + counts.get("completed", 0) + counts.get("failed", 0)
    return seated, counts.get("waitlisted", 0)


def waitlist(session: Session, session_id: str) -> Sequence[Enrolment]:
    """Return a session's waiting list in order (first approved, first served)."""
    stmt = select(Enrolment).where(Enrolment.session_id == session_id, Enrolment.status == "waitlisted")
    return session.scalars(stmt.order_by(Enrolment.approved_at, Enrolment.id)).all()


def waitlist_position(session: Session, enrolment: Enrolment) -> int | None:
    """Return the 1-based place of a waitlisted enrolment, else None."""
    if enrolment.status != "waitlisted" or enrolment.session_id is None:
        return None
    ids = [e.id for e in waitlist(session, enrolment.session_id)]
    return ids.index(enrolment.id) + 1 if enrolment.id in ids else None


def list_enrolments(
    session: Session,
    actor: Actor,
    *,
    mine: bool,
    status: str | None,
    session_id: str | None,
    page: int,
    page_size: int,
) -> Page[Enrolment]:
    """Return a page of enrolments the actor may see (``mine``: the actor's own only)."""
    stmt = select(Enrolment).where(enrolment_visibility_filter(actor))
    if mine:
        stmt = stmt.where(Enrolment.user_id == actor.user_id)
    if status:
        stmt = stmt.where(Enrolment.status == status)
    if session_id:
        stmt = stmt.where(Enrolment.session_id == session_id)
    return paginate(session, stmt.order_by(Enrolment.created_at.desc(), Enrolment.id), page=page, page_size=page_size)


def active_enrolment(session: Session, user_id: str, course_id: str) -> Enrolment | None:
    """Return the user's enrolment in a course that is still under way (applied, enrolled, waitlisted)."""
    stmt = select(Enrolment).where(
        Enrolment.user_id == user_id,
        Enrolment.course_id == course_id,
        Enrolment.status.in_(("applied", "enrolled", "waitlisted")),
    )
    return session.scalars(stmt).first()


def certificate_of_enrolment(session: Session, enrolment_id: str) -> Certificate | None:
    """Return the certificate an enrolment led to."""
    return session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment_id)).first()


def list_certificates(session: Session, actor: Actor, *, mine: bool, page: int, page_size: int) -> Page[Certificate]:
    """Return a page of certificates the actor may see (``mine``: the actor's own only)."""
    stmt = select(Certificate).where(certificate_visibility_filter(actor))
    if mine:
        stmt = stmt.where(Certificate.user_id == actor.user_id)
    return paginate(
        session, stmt.order_by(Certificate.issued_at.desc(), Certificate.id), page=page, page_size=page_size
    )


def valid_certificates(session: Session, user_id: str, codes: set[str], now: datetime) -> dict[str, Certificate]:
    """Return the user's valid (unrevoked, unexpired) certificate of each of these course codes, latest expiry."""
    if not codes:
        return {}
    stmt = select(Certificate).where(
        Certificate.user_id == user_id,
        Certificate.course_code.in_(sorted(codes)),
        Certificate.revoked_at.is_(None),
        Certificate.expires_at > now,
    )
    held: dict[str, Certificate] = {}
    for cert in session.scalars(stmt):
        if cert.course_code not in held or cert.expires_at > held[cert.course_code].expires_at:
            held[cert.course_code] = cert
    return held


# --- training that gates access -----------------------------------------------------------------------


def requirements_for(role: Role) -> dict[str, list[str]]:
    """Return the gated permissions of a role and the course codes each requires (from the settings)."""
    required = get_settings().training_required_courses
    perms = {p.value for p in Perm} - TRAINING_PERMS
    held = {p.value for p in ROLE_PERMS[role]}
    out: dict[str, list[str]] = {}
    for perm, codes in required.items():
        if perm == GATE_ALL:
            if role != Role.ADMINISTRATOR:
                out[GATE_ALL] = sorted({c.upper() for c in codes})
        elif perm in perms and perm in held:
            out[perm] = sorted({c.upper() for c in codes})
    return out


@dataclass(frozen=True)
class Requirement:
    """A course a permission requires of a user, and the certificate that meets it (if any)."""

    permission: str
    course_code: str
    certificate: Certificate | None


def requirements(session: Session, user_id: str, role: Role, now: datetime | None = None) -> list[Requirement]:
    """Return every course the user's role requires and whether a valid certificate meets it."""
    needed = requirements_for(role)
    if not needed:
        return []
    codes = {c for cs in needed.values() for c in cs}
    held = valid_certificates(session, user_id, codes, now or utcnow())
    return [Requirement(perm, code, held.get(code)) for perm, cs in sorted(needed.items()) for code in cs]


def gated_actor(session: Session, actor: Actor) -> Actor:
    """Return ``actor`` without the permissions whose required courses it lacks a valid certificate of.

    Called where actors are authenticated (API keys, console sessions), so a certificate that expires or is
    revoked takes the permission away on the user's next request. No requirement configured: no query."""
    if not get_settings().training_required_courses:
        return actor
    missing = {r.permission for r in requirements(session, actor.user_id, actor.role) if r.certificate is None}
    if not missing:
        return actor
    if GATE_ALL in missing:
        taken = {p.value for p in Perm} - TRAINING_PERMS
    else:
        taken = missing
    return replace(actor, scopes=frozenset(actor.scopes - taken))


# --- keys, credentials, verification ------------------------------------------------------------------


def active_key(session: Session, country: str) -> SigningKey | None:
    """Return the member's active signing key record (public part and encrypted private part)."""
    stmt = select(SigningKey).where(SigningKey.country == country, SigningKey.active.is_(True))
    return session.scalars(stmt.order_by(SigningKey.created_at.desc())).first()


def key_by_id(session: Session, key_id: str) -> SigningKey | None:
    """Return a signing key (active or retired) by its verification method id."""
    return session.scalars(select(SigningKey).where(SigningKey.key_id == key_id)).first()


def public_keys(session: Session, country: str) -> Sequence[SigningKey]:
    """Return every key a member has signed with, newest first."""
    stmt = select(SigningKey).where(SigningKey.country == country.upper())
    return session.scalars(stmt.order_by(SigningKey.created_at.desc())).all()


def verify_url(cert_id: str) -> str:
    """Return the public verification page of a certificate."""
    return f"{get_settings().training_public_url.rstrip('/')}/console/training/verify/{cert_id}"


def status_list_url(country: str) -> str:
    """Return the public revocation status list of a member."""
    return f"{get_settings().training_public_url.rstrip('/')}/console/training/status/{country}"


def iso(moment: datetime) -> str:
    """Return a credential timestamp (UTC, seconds)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(
    *,
    cert_id: str,
    course: Course,
    holder: Enrolment,
    language: str,
    issued: datetime,
    expires: datetime,
    status_index: int,
    issuer_name: str,
) -> dict[str, Any]:
    """Return the unsigned Open Badges 3.0 credential of a completed course."""
    result: list[dict[str, Any]] = []
    if holder.score is not None:
        result.append({"type": ["Result"], "value": str(holder.score), "status": "Completed"})
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "id": f"urn:manara:user:{holder.user_id}",
        "name": holder.holder_name,
        "country": holder.country,
        "achievement": {
            "id": f"urn:manara:course:{course.id}",
            "type": ["Achievement"],
            "achievementType": "Course",
            "humanCode": course.code,
            "name": course.title.get(language) or course.title.get("en", course.code),
            "description": course.description.get(language) or course.description.get("en", ""),
            "criteria": {"narrative": f"{course.hours} h, level {course.level}"},
            "tag": list(course.crime_areas),
            "inLanguage": language,
        },
    }
    if result:
        subject["result"] = result
    return {
        "@context": list(credential.VC_CONTEXT),
        "id": f"urn:uuid:{cert_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"urn:manara:member:{course.owner_country}", "type": ["Profile"], "name": issuer_name},
        "name": subject["achievement"]["name"],
        "validFrom": iso(issued),
        "validUntil": iso(expires),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list_url(course.owner_country)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(course.owner_country),
        },
    }


def check_credential(session: Session, data: Any, now: datetime | None = None) -> tuple[str, str, Certificate | None]:
    """Verify a credential against the issuer key it names and the register: ``(status, reason, certificate)``
    with status ``valid``, ``revoked``, ``expired``, ``not_yet_valid``, ``tampered`` or ``unknown_issuer``."""
    now = now or utcnow()
    proof = data.get("proof") if isinstance(data, dict) else None
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    key = key_by_id(session, method) if isinstance(method, str) else None
    if key is None:
        return "unknown_issuer", "the signing key is not one of a member's keys", None
    issuer = data.get("issuer")
    if not isinstance(issuer, dict) or issuer.get("id") != f"urn:manara:member:{key.country}":
        return "tampered", "the issuer is not the owner of the signing key", None
    status, reason = credential.offline_status(data, credential.load_public(key.public_key), now)
    cert_id = str(data.get("id", "")).removeprefix("urn:uuid:")
    cert = session.get(Certificate, cert_id) if cert_id else None
    if status == "tampered":
        return status, reason, cert
    if cert is None or cert.issuer_country != key.country:
        return "tampered", "no certificate with this id was issued by this member", None
    if cert.revoked_at is not None:
        return "revoked", f"revoked on {iso(cert.revoked_at)}", cert
    return status, reason, cert


def check_stored(session: Session, cert: Certificate, now: datetime | None = None) -> tuple[str, str]:
    """Verify a stored certificate (its record may have been altered in the database: ``tampered``)."""
    status, reason, _ = check_credential(session, cert.credential, now)
    return status, reason


def status_list(session: Session, country: str) -> dict[str, Any]:
    """Return a member's revocation status list (Bitstring Status List credential), signed with its active key."""
    stmt = select(Certificate.status_index, Certificate.revoked_at).where(Certificate.issuer_country == country)
    rows = session.execute(stmt).all()
    revoked = {i for i, at in rows if at is not None}
    size = max((i for i, _ in rows), default=0) + 1
    listed = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": status_list_url(country),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"urn:manara:member:{country}",
        "validFrom": iso(utcnow()),
        "credentialSubject": {
            "id": f"{status_list_url(country)}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": credential.encode_status_list(revoked, size),
        },
    }
    key = active_key(session, country)
    if key is None:
        return listed
    try:
        private = keys.decrypt(key.private_key_encrypted)
    except keys.KeyUnavailable:
        return listed  # served unsigned rather than not at all; its entries still come from the register
    return credential.sign(listed, private, key.key_id, utcnow().replace(microsecond=0))


def next_status_index(session: Session, country: str) -> int:
    """Return the next free bit of a member's status list."""
    top = session.scalar(select(func.max(Certificate.status_index)).where(Certificate.issuer_country == country))
    return 0 if top is None else top + 1


def expiring(session: Session, *, within_days: int, now: datetime | None = None) -> Sequence[Certificate]:
    """Return valid certificates expiring within ``within_days`` whose holder was not told yet."""
    now = now or utcnow()
    stmt = select(Certificate).where(
        Certificate.revoked_at.is_(None),
        Certificate.expires_at > now,
        Certificate.expires_at <= now + timedelta(days=within_days),
        Certificate.expiry_notified_at.is_(None),
    )
    return session.scalars(stmt.order_by(Certificate.expires_at)).all()


def figures(session: Session, country: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Return training figures per member and crime area: trained officers (holding a valid certificate),
    certificates expiring within the notice period, and gaps against role requirements (users lacking a
    required course). Counts only: nothing personal."""
    now = now or utcnow()
    soon = now + timedelta(days=get_settings().training_expiry_notice_days)
    stmt = (
        select(Certificate.holder_country, Certificate.user_id, Certificate.expires_at, Course.crime_areas)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.revoked_at.is_(None), Certificate.expires_at > now)
    )
    if country:
        stmt = stmt.where(Certificate.holder_country == country)
    trained: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    officers: dict[str, set[str]] = defaultdict(set)
    expiring_soon: dict[str, int] = defaultdict(int)
    for member, user_id, expires, areas in session.execute(stmt):
        officers[member].add(user_id)
        for area in areas:
            trained[member][area].add(user_id)
        if expires <= soon:
            expiring_soon[member] += 1
    gaps: dict[str, int] = defaultdict(int)
    if get_settings().training_required_courses:
        users = select(User.id, User.country, User.role).where(User.active.is_(True))
        if country:
            users = users.where(User.country == country)
        for user_id, member, role in session.execute(users):
            if any(r.certificate is None for r in requirements(session, user_id, Role(role), now)):
                gaps[member] += 1
    members = sorted(set(officers) | set(gaps) | ({country} if country else set()))
    return {
        "as_of": iso(now),
        "members": [
            {
                "country": m,
                "trained_officers": len(officers.get(m, ())),
                "by_crime_area": {a: len(u) for a, u in sorted(trained.get(m, {}).items())},
                "expiring_certificates": expiring_soon.get(m, 0),
                "users_missing_required_training": gaps.get(m, 0),
            }
            for m in members
        ],
    }


def add_months(moment: datetime, months: int) -> datetime:
    """Return ``moment`` plus calendar months (the day clamped to the target month's last day)."""
    import calendar

    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def score_answers(course: Course, answers: list[list[int]]) -> int:
    """Return the percentage of right answers to a course's assessment (missing answers count as wrong)."""
    total = right = 0
    for i, module in enumerate(course.modules):
        given = answers[i] if i < len(answers) else []
        for j, question in enumerate(module.get("questions", [])):
            total += 1
            if j < len(given) and given[j] == question.get("answer"):
                right += 1
    return (right * 100) // total if total else 0
