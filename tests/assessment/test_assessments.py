"""Assessments: lifecycle, peer review, visibility, figures through the author's view, frozen snapshot, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.helpers import new_draft, period, publish
from conftest import Net
from factories import counts, make_notice
from manara.assessment import actions
from manara.assessment.models import Assessment
from manara.assessment.service import canonical, snapshot_digest
from manara.audit.models import AuditEvent
from manara.identity import Role


def _figures(body: dict[str, Any]) -> list[tuple[str, str, float, float | None]]:
    return [(i["query"], repr(sorted(i["params"].items())), i["value"], i["previous"]) for i in body["indicators"]]


def _published(session: Session, net: Net, country: str, offence: str, **kw: Any) -> None:
    owner = net.user(country, Role.BUREAU_OFFICER).actor
    reviewer = net.user("EG" if country != "EG" else "MA", Role.REVIEWER).actor
    make_notice(session, owner, status="published", reviewer=reviewer, offence=offence, **kw)


def test_lifecycle_is_audited_and_publishing_freezes_a_digest(client: TestClient, net: Net, session: Session) -> None:
    _published(session, net, "MA", "Drug trafficking")
    draft = new_draft(client, net)
    assert draft["status"] == "draft" and draft["owner_country"] == "MA"
    before, _ = counts(session)
    done = publish(client, net, draft["id"])
    assert done["status"] == "published" and done["reviewer_country"] == "FR"
    row = session.get(Assessment, draft["id"])
    assert row is not None and row.snapshot is not None
    assert done["snapshot_sha256"] == snapshot_digest(row.snapshot) == row.snapshot_sha256
    actions_seen = {e.action for e in session.scalars(select(AuditEvent)) if draft["id"] in (e.target_ids or [])}
    assert {
        "assessment.created",
        "assessment.computed",
        "assessment.submitted",
        "assessment.reviewed",
        "assessment.published",
    } <= actions_seen
    after, _ = counts(session)
    assert after > before
    # frozen: a published assessment can no longer be edited or recomputed
    own = net.user("MA", Role.ANALYST).headers
    assert client.patch(f"/api/v1/assessments/{draft['id']}", json={"title": "x"}, headers=own).status_code == 409
    assert client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own).status_code == 409
    snap = client.get(f"/api/v1/assessments/{draft['id']}/snapshot", headers=own).json()
    assert snap["sha256"] == done["snapshot_sha256"]


def test_review_by_the_owner_itself_is_refused(client: TestClient, net: Net) -> None:
    draft = new_draft(client, net)
    own = net.user("MA", Role.ANALYST).headers
    client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own)
    r = client.post(f"/api/v1/assessments/{draft['id']}/submit", json={"reviewer_country": "MA"}, headers=own)
    assert r.status_code == 422
    r = client.post(f"/api/v1/assessments/{draft['id']}/submit", json={"reviewer_country": "FR"}, headers=own)
    assert r.status_code == 200
    for role in (Role.REVIEWER, Role.ANALYST, Role.BUREAU_OFFICER):
        r = client.post(
            f"/api/v1/assessments/{draft['id']}/review",
            json={"decision": "approve"},
            headers=net.user("MA", role).headers,
        )
        assert r.status_code == 403, (role, r.text)
    # a member it was not sent to does not even see it
    r = client.post(
        f"/api/v1/assessments/{draft['id']}/review",
        json={"decision": "approve"},
        headers=net.user("EG", Role.REVIEWER).headers,
    )
    assert r.status_code == 404
    # publishing before approval is refused
    assert client.post(f"/api/v1/assessments/{draft['id']}/publish", headers=own).status_code == 409


def test_changes_requested_return_the_draft_to_its_owner(client: TestClient, net: Net) -> None:
    draft = new_draft(client, net)
    own = net.user("MA", Role.ANALYST).headers
    client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own)
    client.post(f"/api/v1/assessments/{draft['id']}/submit", json={"reviewer_country": "FR"}, headers=own)
    r = client.post(
        f"/api/v1/assessments/{draft['id']}/review",
        json={"decision": "changes_requested", "note": "Cite the port data."},
        headers=net.user("FR", Role.ANALYST).headers,
    )
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert r.json()["review_note"] == "Cite the port data."


def test_visibility_owner_reviewer_while_in_review_and_dissemination_once_published(
    client: TestClient, net: Net
) -> None:
    draft = new_draft(client, net, dissemination=["EG"])
    aid = draft["id"]
    url = f"/api/v1/assessments/{aid}"

    def status(country: str, role: Role = Role.ANALYST) -> int:
        return client.get(url, headers=net.user(country, role).headers).status_code

    assert (status("MA"), status("FR"), status("EG")) == (200, 404, 404)
    assert status("MA", Role.FRONTLINE_OFFICER) == 403  # no assessment:read at all
    publish(client, net, aid, reviewer="FR")
    assert (status("MA"), status("FR"), status("EG"), status("EG", Role.DUTY_OFFICER)) == (200, 404, 200, 200)
    listed = client.get("/api/v1/assessments", headers=net.user("EG", Role.ANALYST).headers).json()
    assert [a["id"] for a in listed["items"]] == [aid]
    assert client.get("/api/v1/assessments", headers=net.user("FR", Role.ANALYST).headers).json()["items"] == []
    # only the owner writes
    r = client.post(f"{url}/supersede", headers=net.user("EG", Role.ANALYST).headers)
    assert r.status_code == 404


def test_a_record_invisible_to_the_author_changes_no_figure(client: TestClient, net: Net, session: Session) -> None:
    _published(session, net, "MA", "Drug trafficking")
    _published(session, net, "FR", "Terrorism financing", visibility="all")
    draft = new_draft(client, net)
    own = net.user("MA", Role.ANALYST).headers
    first = client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own).json()
    assert ("notices_published", "[]", 2.0, 0.0) in _figures(first)
    # FR publishes a notice shared only with EG: MA may not see it
    _published(session, net, "FR", "Drug trafficking", visibility="countries", shared=("EG",))
    second = client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own).json()
    assert _figures(second) == _figures(first)
    assert second["hidden"]["notices"] == first["hidden"]["notices"] + 1
    report = client.get(f"/api/v1/assessments/{draft['id']}/report", headers=own)
    assert report.status_code == 200
    hidden = sum(second["hidden"].values())
    assert f"{hidden} records not visible to the author were not counted" in report.text
    # ...while EG, which sees it, counts it
    eg = new_draft(client, net, "EG", dissemination=[])
    eg_own = net.user("EG", Role.ANALYST).headers
    counted = client.post(f"/api/v1/assessments/{eg['id']}/compute", headers=eg_own).json()
    assert ("notices_published", "[]", 3.0, 0.0) in _figures(counted)


def test_scope_narrows_figures_to_countries_and_crime_areas(client: TestClient, net: Net, session: Session) -> None:
    _published(session, net, "MA", "Drug trafficking")
    _published(session, net, "FR", "Terrorism")
    own = net.user("MA", Role.ANALYST).headers
    draft = new_draft(client, net, crime_areas=["terrorism"])
    body = client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own).json()
    by_area = [f for f in _figures(body) if f[0] == "notices_by_area"]
    assert by_area == [("notices_by_area", "[('crime_area', 'terrorism')]", 1.0, 0.0)]
    draft = new_draft(client, net, countries=["MA"])
    body = client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=own).json()
    assert [f for f in _figures(body) if f[0] == "notices_by_country"] == [
        ("notices_by_country", "[('country', 'MA')]", 1.0, 0.0)
    ]


def test_analyst_parts_are_validated(client: TestClient, net: Net) -> None:
    draft = new_draft(client, net)
    own = net.user("MA", Role.ANALYST).headers
    url = f"/api/v1/assessments/{draft['id']}"
    good = {
        "judgements": [{"text": "Flows will rise.", "probability": "highly_likely", "confidence": "moderate"}],
        "sources": [
            {"source": "Port authority", "system": "6x6", "reliability": "F", "credibility": "6"},
            {"source": "Liaison", "system": "4x4", "reliability": "B", "credibility": "2"},
        ],
        "recommendations": ["Share manifests."],
    }
    r = client.patch(url, json=good, headers=own)
    assert r.status_code == 200, r.text
    assert r.json()["judgements"][0]["probability"] == "highly_likely"
    bad_cases: list[dict[str, Any]] = [
        {"judgements": [{"text": "x", "probability": "probable", "confidence": "moderate"}]},
        {"judgements": [{"text": "\u200b", "probability": "likely", "confidence": "low"}]},
        {"sources": [{"source": "x", "system": "4x4", "reliability": "E", "credibility": "1"}]},
        {"sources": [{"source": "x", "system": "6x6", "reliability": "A", "credibility": "7"}]},
        {"recommendations": [""]},
        {"period_end": "2000-01-01"},
        {"countries": ["XX"]},
        {"dissemination": ["ZZ"]},
        {"unknown": 1},
        {"title": 5},
    ]
    for bad in bad_cases:
        assert client.patch(url, json=bad, headers=own).status_code == 422, bad
    r = client.post(url, content=b"{not json", headers=own | {"Content-Type": "application/json"})
    assert r.status_code in (405, 422)
    r = client.post("/api/v1/assessments", content=b"{not json", headers=own | {"Content-Type": "application/json"})
    assert r.status_code == 422
    r = client.post(
        "/api/v1/assessments",
        json={"title": "x", "period_start": "2026-02-01", "period_end": "2026-01-01"},
        headers=own,
    )
    assert r.status_code == 422
    # nothing was lost: the good parts stay
    assert client.get(url, headers=own).json()["recommendations"] == ["Share manifests."]


def test_a_new_version_supersedes_the_old_one_when_published(client: TestClient, net: Net) -> None:
    first = publish(client, net, new_draft(client, net)["id"])
    own = net.user("MA", Role.ANALYST).headers
    r = client.post(f"/api/v1/assessments/{first['id']}/versions", headers=own)
    assert r.status_code == 201 and r.json()["supersedes_id"] == first["id"]
    second = publish(client, net, r.json()["id"])
    assert second["status"] == "published"
    old = client.get(f"/api/v1/assessments/{first['id']}", headers=own).json()
    assert old["status"] == "superseded" and old["superseded_at"]


def test_a_failing_action_rolls_back(client: TestClient, net: Net, session: Session) -> None:
    draft = new_draft(client, net)
    before = counts(session)
    own = net.user("MA", Role.ANALYST).headers
    r = client.post(f"/api/v1/assessments/{draft['id']}/submit", json={"reviewer_country": "FR"}, headers=own)
    assert r.status_code == 409  # not computed yet
    assert counts(session) == before
    assert session.get(Assessment, draft["id"]).status == "draft"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.FRONTLINE_OFFICER, Role.ADMINISTRATOR, Role.REVIEWER, Role.DUTY_OFFICER])
def test_roles_without_assessment_write_may_not_create(client: TestClient, net: Net, role: Role) -> None:
    r = client.post("/api/v1/assessments", json={"title": "x", **period()}, headers=net.user("MA", role).headers)
    assert r.status_code == 403


def test_canonical_snapshot_is_stable() -> None:
    assert canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()
    assert actions is not None
