"""Reads of the pursuit domain: the binding treaty and deadlines, pursuit pages, operation boards, situation
reports and results summaries (``operation_results`` is what threat assessments call), public appeal extracts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.entity.models import Entity
from manara.identity import Actor
from manara.notice.models import Notice
from manara.pagination import Page
from manara.pursuit.access import pursuit_visibility_filter, target_visibility_filter, target_visibility_on_join
from manara.pursuit.lifecycle import allowed_steps
from manara.pursuit.models import (
    Operation,
    OperationTarget,
    PublicAppeal,
    PublicTip,
    Pursuit,
    PursuitDocument,
    PursuitStep,
    Sighting,
    TargetStatus,
    Treaty,
    TreatyKind,
)
from manara.pursuit.schemas import (
    DocumentOut,
    OperationOut,
    PursuitOut,
    SightingOut,
    StepOut,
    SummaryOut,
)
from manara.settings import get_settings

PURSUABLE_TYPES = ("red", "diffusion")


@dataclass(frozen=True)
class Deadline:
    """The time allowed for the extradition request after arrest, and where it comes from."""

    days: int
    treaty: Treaty | None

    @property
    def default(self) -> bool:
        """No treaty of the registry binds both members: the configured default applies."""
        return self.treaty is None


def binding_treaty(session: Session, a: str, b: str) -> Treaty | None:
    """Return the treaty binding both members: a bilateral one first (the special instrument prevails), then
    the multilateral one with the shortest time limit (the safer deadline); None when none binds both."""
    treaties = [t for t in session.scalars(select(Treaty).where(Treaty.active.is_(True))) if {a, b} <= set(t.parties)]
    treaties.sort(key=lambda t: (t.kind != TreatyKind.BILATERAL, t.request_days, t.id))
    return treaties[0] if treaties else None


def request_deadline(session: Session, requesting: str, requested: str) -> Deadline:
    """Return the days allowed for the extradition request between two members (treaty or default)."""
    treaty = binding_treaty(session, requesting, requested)
    if treaty is None:
        return Deadline(get_settings().pursuit_default_request_days, None)
    return Deadline(treaty.request_days, treaty)


def pursuit_out(session: Session, actor: Actor, pursuit: Pursuit) -> PursuitOut:
    """Return a pursuit with its steps, documents and sightings, and the steps the actor's country may take."""
    out = PursuitOut.model_validate(pursuit)
    out.steps = [
        StepOut.model_validate(s)
        for s in session.scalars(
            select(PursuitStep).where(PursuitStep.pursuit_id == pursuit.id).order_by(PursuitStep.seq)
        )
    ]
    out.documents = [
        DocumentOut.model_validate(d)
        for d in session.scalars(
            select(PursuitDocument).where(PursuitDocument.pursuit_id == pursuit.id).order_by(PursuitDocument.created_at)
        )
    ]
    out.sightings = [
        SightingOut.model_validate(s)
        for s in session.scalars(select(Sighting).where(Sighting.pursuit_id == pursuit.id).order_by(Sighting.seen_at))
    ]
    out.allowed_steps = [s.value for s in allowed_steps(pursuit, actor.country)]
    return out


def list_pursuits(
    session: Session, actor: Actor, *, state: str | None = None, page: int = 1, page_size: int = 50
) -> Page[Pursuit]:
    """Pursuits the actor's country takes part in, nearest deadline first, then most recently active."""
    where = [pursuit_visibility_filter(actor)]
    if state:
        where.append(Pursuit.state == state)
    total = session.scalar(select(func.count()).select_from(Pursuit).where(*where)) or 0
    stmt = (
        select(Pursuit)
        .where(*where)
        .order_by(Pursuit.deadline_at.is_(None), Pursuit.deadline_at, Pursuit.updated_at.desc(), Pursuit.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page(list(session.scalars(stmt)), total, page, page_size)


def operation_out(operation: Operation) -> OperationOut:
    """Return an operation with its participants."""
    return OperationOut(
        id=operation.id,
        code=operation.code,
        name=operation.name,
        owner_country=operation.owner_country,
        participants=[m.country for m in operation.members],
        starts_on=operation.starts_on,
        ends_on=operation.ends_on,
        status=operation.status,
        version=operation.version,
        created_at=operation.created_at,
    )


def day_start(now: datetime) -> datetime:
    """Midnight UTC of ``now``'s day."""
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def operation_results(session: Session, operation: Operation, *, now: datetime | None = None) -> SummaryOut:
    """Counts per status and per responsible country, and arrests today (UTC): the results summary.

    Counts carry no identities, so every participant sees the whole board's numbers; threat assessments call
    this with the operation they summarise."""
    now = now or utcnow()
    rows = session.execute(
        select(OperationTarget.responsible_country, OperationTarget.status, func.count())
        .where(OperationTarget.operation_id == operation.id)
        .group_by(OperationTarget.responsible_country, OperationTarget.status)
    ).all()
    by_status: dict[str, int] = {s.value: 0 for s in TargetStatus}
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: {s.value: 0 for s in TargetStatus})
    for country, status, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        by_country[country][status] = by_country[country].get(status, 0) + n
    today = (
        session.scalar(
            select(func.count())
            .select_from(OperationTarget)
            .where(OperationTarget.operation_id == operation.id, OperationTarget.arrested_at >= day_start(now))
        )
        or 0
    )
    return SummaryOut(
        operation_id=operation.id,
        total=sum(by_status.values()),
        by_status=by_status,
        by_country=dict(sorted(by_country.items())),
        arrests_today=today,
        version=operation.version,
        at=now,
    )


def visible_targets(
    session: Session,
    actor: Actor,
    operation: Operation,
    *,
    status: str | None = None,
    country: str | None = None,
    page: int = 1,
    page_size: int = 100,
) -> Page[OperationTarget]:
    """Targets of the operation the actor sees (``target_visibility_filter``), most recently updated first."""
    where = [OperationTarget.operation_id == operation.id, target_visibility_on_join(actor, operation)]
    if status:
        where.append(OperationTarget.status == status)
    if country:
        where.append(OperationTarget.responsible_country == country)
    joined = Notice.id == OperationTarget.notice_id
    total = session.scalar(select(func.count()).select_from(OperationTarget).join(Notice, joined).where(*where)) or 0
    stmt = (
        select(OperationTarget)
        .join(Notice, joined)
        .where(*where)
        .order_by(OperationTarget.updated_at.desc(), OperationTarget.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page(list(session.scalars(stmt)), total, page, page_size)


def situation_report(session: Session, actor: Actor, operation: Operation, day: date) -> dict[str, Any]:
    """The daily situation report of ``day`` (UTC): the summary, and the changes of that day the actor sees."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=1)
    where = [
        OperationTarget.operation_id == operation.id,
        target_visibility_filter(actor, operation),
        OperationTarget.updated_at >= start,
        OperationTarget.updated_at < end,
    ]
    changed = list(session.scalars(select(OperationTarget).where(*where).order_by(OperationTarget.updated_at)))
    arrests = (
        session.scalar(
            select(func.count())
            .select_from(OperationTarget)
            .where(
                OperationTarget.operation_id == operation.id,
                OperationTarget.arrested_at >= start,
                OperationTarget.arrested_at < end,
            )
        )
        or 0
    )
    summary = operation_results(session, operation, now=min(end - timedelta(microseconds=1), utcnow()))
    return {
        "operation": operation_out(operation).model_dump(mode="json"),
        "day": day.isoformat(),
        "arrests": arrests,
        "summary": summary.model_dump(mode="json"),
        "changes": [
            {
                "target_id": t.id,
                "reference": t.reference,
                "responsible_country": t.responsible_country,
                "status": t.status,
                "updated_at": t.updated_at.isoformat(),
            }
            for t in changed
        ],
    }


def arrests_on_map(session: Session, *, since: datetime, limit: int = 500) -> list[OperationTarget]:
    """Arrests of active operations since ``since`` that have a position (the wall's operations layer).

    The caller filters by the operations the viewer takes part in."""
    stmt = (
        select(OperationTarget)
        .join(Operation, Operation.id == OperationTarget.operation_id)
        .where(
            Operation.status == "active",
            OperationTarget.status == TargetStatus.ARRESTED,
            OperationTarget.arrested_at >= since,
            OperationTarget.lat.is_not(None),
        )
        .order_by(OperationTarget.arrested_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _first(props: dict[str, Any], key: str) -> str:
    values = props.get(key) or []
    return str(values[0]) if values else ""


def releasable_values(session: Session, notice: Notice) -> dict[str, str]:
    """Every field an owner may release publicly, read from the notice and its subject."""
    subject = session.get(Entity, notice.subject_id) if notice.subject_id else None
    props: dict[str, Any] = dict(subject.properties) if subject is not None else {}
    birth = _first(props, "birthDate")
    return {
        "name": _first(props, "name"),
        "birth_year": birth[:4] if len(birth) >= 4 else "",
        "nationality": _first(props, "nationality").upper(),
        "sex": _first(props, "gender"),
        "offence": str(notice.details.get("offence", "")),
        "issuing_country": notice.owner_country,
    }


def public_appeals(session: Session) -> list[PublicAppeal]:
    """Active appeals whose notice is still published (a notice withdrawn takes its appeal off the page)."""
    stmt = (
        select(PublicAppeal)
        .join(Notice, Notice.id == PublicAppeal.notice_id)
        .where(PublicAppeal.active.is_(True), Notice.status == "published", Notice.type.in_(PURSUABLE_TYPES))
        .order_by(PublicAppeal.created_at.desc())
    )
    return list(session.scalars(stmt))


def public_appeal(session: Session, appeal_id: str) -> PublicAppeal | None:
    """Return an appeal shown to the public, or None (unknown, withdrawn, or its notice no longer published)."""
    return next((a for a in public_appeals(session) if a.id == appeal_id), None)


def tips_from(session: Session, client_key: str, since: datetime) -> int:
    """How many tips one client sent since ``since`` (the public form's rate limit)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(PublicTip)
            .where(PublicTip.client_key == client_key, PublicTip.created_at >= since)
        )
        or 0
    )
