"""Links API: visibility of suggestions (404 for what one may not see), judgements, clusters."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.helpers import put, xref
from conftest import Net, person
from manara.analysis.models import SuggestedLink
from manara.audit.models import AuditEvent
from manara.identity import ROLE_PERMS, Perm, Role

KARIM = {"birthDate": "1985-04-12", "nationality": "ma"}


def _link(session: Session, x: str, y: str) -> str:
    for link in session.scalars(select(SuggestedLink)):
        if {link.left_pk, link.right_pk} == {x, y}:
            return link.id
    raise AssertionError("no link")


def test_suggestions_reveal_nothing_one_may_not_see(client: TestClient, session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.ANALYST) for c in ("MA", "FR", "EG"))
    a = put(session, ma.actor, person("k1", "Karim Benali", **KARIM))  # owner only
    b = put(session, fr.actor, person("k9", "Karim Benali", **KARIM), visibility="all")
    c = put(session, eg.actor, person("k5", "Karim Benali", **KARIM), visibility="countries", shared=("FR",))
    xref(session)
    ab, bc = _link(session, a.id, b.id), _link(session, b.id, c.id)
    assert session.scalar(select(func.count()).select_from(SuggestedLink)) == 2  # a and c: neither sees the other
    sees = {"MA": {ab}, "FR": {bc}, "EG": {bc}}  # EG sees FR's (all) and its own; MA sees neither of EG's
    for country, user in (("MA", ma), ("FR", fr), ("EG", eg)):
        listing = client.get("/api/v1/analysis/links", headers=user.headers).json()
        assert {i["id"] for i in listing["items"]} == sees[country], country
        for link_id in (ab, bc, "no-such-link"):
            got = client.get(f"/api/v1/analysis/links/{link_id}", headers=user.headers)
            assert got.status_code == (200 if link_id in sees[country] else 404), (country, link_id)
            judged = client.post(
                f"/api/v1/analysis/links/{link_id}/judge", json={"judgement": "same"}, headers=user.headers
            )
            assert judged.status_code == (200 if link_id in sees[country] else 404), (country, link_id)
        hidden = {a.id, b.id, c.id} - {pk for i in listing["items"] for pk in (i["left"]["id"], i["right"]["id"])}
        assert not any(pk in str(listing) for pk in hidden)
    for pk in (a.id, c.id):  # a hidden entity's cluster is a 404 too
        assert client.get(
            f"/api/v1/analysis/entities/{pk}/cluster", headers=net.user("FR", Role.ANALYST).headers
        ).status_code == (404 if pk == a.id else 200)


def test_judging_needs_the_permission(client: TestClient, session: Session, net: Net) -> None:
    a = put(session, net.user("MA", Role.ANALYST).actor, person("k1", "Karim Benali", **KARIM), visibility="all")
    b = put(session, net.user("FR", Role.ANALYST).actor, person("k9", "Karim Benali", **KARIM), visibility="all")
    xref(session)
    link_id = _link(session, a.id, b.id)
    for role in Role:
        got = client.post(
            f"/api/v1/analysis/links/{link_id}/judge",
            json={"judgement": "unsure"},
            headers=net.user("MA", role).headers,
        ).status_code
        want = 200 if Perm.ANALYSIS_JUDGE in ROLE_PERMS[role] else 403
        assert got == want, role
    assert {Role.ANALYST, Role.BUREAU_OFFICER} == {r for r in Role if Perm.ANALYSIS_JUDGE in ROLE_PERMS[r]}
    third = client.post(
        f"/api/v1/analysis/links/{link_id}/judge",
        json={"judgement": "same"},
        headers=net.user("EG", Role.ANALYST).headers,
    )
    assert third.status_code == 404  # EG sees both sides but owns neither: it may not judge
    bad = client.post(
        f"/api/v1/analysis/links/{link_id}/judge",
        json={"judgement": "maybe"},
        headers=net.user("MA", Role.ANALYST).headers,
    )
    assert bad.status_code == 422


def test_clusters_are_transitive_per_viewer_and_judgements_reversible(
    client: TestClient, session: Session, net: Net
) -> None:
    ma, fr = net.user("MA", Role.ANALYST), net.user("FR", Role.ANALYST)
    a = put(session, ma.actor, person("k1", "Karim Benali", **KARIM), visibility="all")
    b = put(session, fr.actor, person("k9", "Karim Benali", **KARIM), visibility="all")
    c = put(
        session,
        net.user("EG", Role.ANALYST).actor,
        person("k5", "Karim Benali", **KARIM),
        visibility="countries",
        shared=("FR",),
    )
    xref(session)
    ab, bc = _link(session, a.id, b.id), _link(session, b.id, c.id)

    def judge(user: object, link_id: str, judgement: str) -> None:
        got = client.post(
            f"/api/v1/analysis/links/{link_id}/judge", json={"judgement": judgement}, headers=user.headers
        )  # type: ignore[attr-defined]
        assert got.status_code == 200 and got.json()["status"] == judgement

    def members(user: object, pk: str) -> set[str]:
        got = client.get(f"/api/v1/analysis/entities/{pk}/cluster", headers=user.headers)  # type: ignore[attr-defined]
        assert got.status_code == 200
        return {m["id"] for m in got.json()["members"]}

    judge(ma, ab, "same")
    judge(fr, bc, "same")
    assert members(fr, a.id) == {a.id, b.id, c.id}  # transitive: a = b = c
    assert members(ma, a.id) == {a.id, b.id}  # MA may not see EG's record: the cluster stops at b
    judge(fr, bc, "not_same")  # reversible
    assert members(fr, a.id) == {a.id, b.id}
    judge(fr, bc, "same")
    assert members(fr, c.id) == {a.id, b.id, c.id}
    judged = select(AuditEvent).where(AuditEvent.action == "analysis.link_judged").order_by(AuditEvent.seq)
    events = session.scalars(judged).all()
    assert [(e.extra or {}).get("new") for e in events] == ["same", "same", "not_same", "same"]
    assert xref(session, full=True).links == 0  # judged pairs stay as judged
    assert session.get(SuggestedLink, bc).status == "same"  # type: ignore[union-attr]
