"""Unified search: only what the user may see is matched, ranked, counted and faceted; names meet across
scripts; searches are audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from case.helpers import API, open_case
from conftest import Net
from factories import make_entity, make_notice
from manara.audit.models import AuditEvent
from manara.identity import Role

SEARCH = "/api/v1/search"


def _world(client: TestClient, session: Session, net: Net) -> dict[str, str]:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    rv = net.user("EG", Role.REVIEWER)
    ids = {
        "ma_private": make_entity(session, ma.actor, "p1", "يوسف الإدريسي").id,  # MA only
        "fr_public": make_entity(session, fr.actor, "p2", "Youssef Idrissi", visibility="all").id,
        "eg_to_ma": make_entity(session, eg.actor, "p3", "Юсеф Идриси", visibility="countries", shared=("MA",)).id,
        "notice": make_notice(
            session,
            ma.actor,
            status="published",
            title="Wanted: Youssef El Idrissi",
            reviewer=rv.actor,
            visibility="countries",
            shared=("FR",),
        ).id,
        "draft": make_notice(session, eg.actor, status="draft", title="Draft on Youssef Idrissi").id,
    }
    case = open_case(client, ma, title="Idrissi network", invite=["FR"])
    msg = client.post(
        f"{API}/{case['id']}/messages", json={"body": "Youssef El Idrissi crossed at Algeciras."}, headers=ma.headers
    ).json()
    secret = open_case(client, eg, title="Idrissi (Egypt only)")
    ids.update(case=case["id"], message=msg["id"], secret_case=secret["id"])
    return ids


def _search(client: TestClient, net: Net, who: str, q: str, role: Role = Role.BUREAU_OFFICER, **params: str) -> dict:  # type: ignore[type-arg]
    got = client.get(SEARCH, params={"q": q, **params}, headers=net.user(who, role).headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


def test_visibility_first_and_facets_never_count_the_invisible(client: TestClient, session: Session, net: Net) -> None:
    ids = _world(client, session, net)
    found = {c: _search(client, net, c, "Youssef Idrissi") for c in ("MA", "FR", "EG")}
    seen = {c: {i["id"] for i in r["items"]} for c, r in found.items()}
    assert ids["ma_private"] in seen["MA"] and ids["ma_private"] not in seen["FR"] | seen["EG"]
    assert ids["eg_to_ma"] in seen["MA"] and ids["eg_to_ma"] not in seen["FR"]
    assert ids["notice"] in seen["MA"] | seen["FR"] and ids["notice"] not in seen["EG"]
    assert ids["draft"] in seen["EG"] and ids["draft"] not in seen["MA"] | seen["FR"]
    assert ids["message"] in seen["MA"] and ids["message"] in seen["FR"] and ids["message"] not in seen["EG"]
    for country, result in found.items():
        assert result["total"] == len(result["items"]) == sum(result["facets"]["type"].values()), country
        assert sum(result["facets"]["country"].values()) == result["total"]
        assert sum(result["facets"]["date"].values()) == result["total"]
    fr = found["FR"]
    assert fr["facets"]["country"].get("EG", 0) == 0  # EG's record shared with MA only, EG's draft: not counted
    assert "Юсеф" not in str(fr) and "يوسف" not in str(fr)
    cases = _search(client, net, "FR", "Idrissi", type="case")
    assert [i["id"] for i in cases["items"]] == [ids["case"]] and cases["total"] == 1
    assert cases["facets"]["type"]["case"] == 1 and "Egypt only" not in str(cases)


def test_any_script_and_facet_filters(client: TestClient, session: Session, net: Net) -> None:
    ids = _world(client, session, net)
    arabic = _search(client, net, "MA", "يوسف الإدريسي", type="entity")
    assert {ids["ma_private"], ids["fr_public"], ids["eg_to_ma"]} <= {i["id"] for i in arabic["items"]}
    cyrillic = _search(client, net, "MA", "Идриси", type="entity", country="FR")
    assert [i["id"] for i in cyrillic["items"]] == [ids["fr_public"]]
    assert cyrillic["facets"]["country"] == {"EG": 1, "FR": 1, "MA": 1}  # other countries still offered
    assert _search(client, net, "MA", "Idrissi", date_to="2000-01-01")["total"] == 0
    assert _search(client, net, "MA", "Algeciras")["items"][0]["kind"] == "message"
    assert _search(client, net, "MA", "zzzqqq")["total"] == 0


def test_roles_without_read_rights_find_nothing_and_searches_are_audited(
    client: TestClient, session: Session, net: Net
) -> None:
    _world(client, session, net)
    admin = _search(client, net, "MA", "Idrissi", Role.ADMINISTRATOR)
    assert admin["total"] == 0 and admin["facets"] == {"type": {}, "country": {}, "date": {}}
    frontline = _search(client, net, "FR", "Idrissi", Role.FRONTLINE_OFFICER)
    assert {i["kind"] for i in frontline["items"]} <= {"notice", "entity"}  # no case content
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "search.searched" and last.query is not None
    assert last.query["q"] == "Idrissi" and last.query["total"] == frontline["total"]
    assert client.get(SEARCH, params={"q": ""}, headers=net.user("MA", Role.ANALYST).headers).status_code == 422
    assert (
        client.get(SEARCH, params={"q": "\u202e\u200b"}, headers=net.user("MA", Role.ANALYST).headers).json()["total"]
        == 0
    )
