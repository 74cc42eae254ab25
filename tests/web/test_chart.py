"""Link chart in the console: the page, the JSON endpoints its script uses, visibility and judgements.

MA owns k1 (shared with all) and the organisation o1, related by Membership; FR owns k9, the same
name and birth date as k1 (shared with all); EG owns e1 (owner only), the same again. Cross-matching
suggests all three pairs (EG sees the other two records), but MA and FR never see e1 nor its links.
"""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put, xref
from conftest import Net, person
from manara.analysis.models import SuggestedLink
from manara.audit.models import AuditEvent
from manara.entity.models import Entity
from manara.identity import Role
from web.conftest import Console, csrf_of

KARIM = {"birthDate": "1985-04-12", "nationality": "ma"}


def _network(session: Session, net: Net) -> dict[str, Entity]:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER).actor for c in ("MA", "FR", "EG"))
    out = {
        "k1": put(session, ma, person("k1", "Karim Benali", **KARIM), visibility="all"),
        "o1": put(session, ma, ftm("o1", "Organization", name="Atlas Trading SARL"), visibility="all"),
        "k9": put(session, fr, person("k9", "كريم بنعلي", **KARIM), visibility="all"),
        "e1": put(session, eg, person("e1", "Karim Benali", **KARIM)),
    }
    put(session, ma, ftm("m1", "Membership", member="k1", organization="o1"), visibility="all")
    xref(session)
    return out


def _chart_data(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_the_page_renders_the_network_one_may_see(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    e = _network(session, net)
    console.sign_in("MA", Role.ANALYST)
    empty = client.get("/console/chart")
    assert empty.status_code == 200 and 'id="chart-entity"' in empty.text and 'href="/console/chart"' in empty.text
    assert "chart-data" not in empty.text
    page = client.get(f"/console/chart?entity={e['k1'].id}")
    assert page.status_code == 200, page.text
    data = _chart_data(page.text)
    assert {n["id"] for n in data["nodes"]} == {e["k1"].id, e["o1"].id, e["k9"].id}  # type: ignore[index]
    kinds = {(x["kind"], x["label"]) for x in data["edges"]}  # type: ignore[index, union-attr]
    assert kinds == {("relationship", "Membership"), ("suggested", "person")}
    assert e["e1"].id not in page.text and "Karim Benali" in page.text and "كريم بنعلي" in page.text
    for stable in (
        'id="chart-canvas"',
        'id="chart-nodes"',
        'id="chart-edges"',
        'id="chart-kind-suggested"',
        'id="chart-type-Person"',
        'id="chart-details"',
        'src="/console/static/vendor/cytoscape.min.js"',
        'data-may-judge="true"',
        f'data-node="{e["o1"].id}"',
    ):
        assert stable in page.text, stable
    assert client.get(f"/console/chart?entity={e['e1'].id}").status_code == 404
    assert client.get("/console/chart?entity=no-such-entity").status_code == 404
    for path in ("/console/static/chart.js", "/console/static/vendor/cytoscape.min.js"):
        assert client.get(path).status_code == 200


def test_json_endpoints_expand_show_details_and_hide_what_one_may_not_see(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    e = _network(session, net)
    console.sign_in("MA", Role.ANALYST)
    around_k9 = client.get(f"/console/chart/entities/{e['k9'].id}/neighbours")
    assert around_k9.status_code == 200
    body = around_k9.json()
    assert {n["id"] for n in body["nodes"]} == {e["k9"].id, e["k1"].id}  # e1–k9 exists, but not for MA
    [link] = body["edges"]
    assert (link["kind"], link["status"]) == ("suggested", "suggested")
    assert link["score"] >= 0.9 and link["explanation"]
    membership = [
        {
            x["id"]
            for x in client.get(f"/console/chart/entities/{e[k].id}/neighbours").json()["edges"]
            if x["kind"] == "relationship"
        }
        for k in ("k1", "o1")
    ]
    assert membership[0] == membership[1] and len(membership[0]) == 1  # one edge, whichever end is expanded
    details = client.get(f"/console/chart/entities/{e['k9'].id}").json()
    assert details["properties"]["name"] == ["كريم بنعلي"] and details["owner"] == "FR"
    viewed = session.scalars(select(AuditEvent).where(AuditEvent.action == "entity.viewed")).all()
    assert any(e["k9"].id in ev.target_ids for ev in viewed)
    for hidden in (
        f"/console/chart/entities/{e['e1'].id}/neighbours",
        f"/console/chart/entities/{e['e1'].id}",
        "/console/chart/entities/nope/neighbours",
    ):
        assert client.get(hidden).status_code == 404, hidden
    client.cookies.clear()
    console.sign_in("EG", Role.ANALYST)  # EG sees its own e1 and the two shared records: both links
    eg_view = client.get(f"/console/chart/entities/{e['e1'].id}/neighbours").json()
    assert {n["id"] for n in eg_view["nodes"]} == {e["e1"].id, e["k9"].id, e["k1"].id}
    assert len(eg_view["edges"]) == 2


def test_judging_from_the_chart(console: Console, client: TestClient, session: Session, net: Net) -> None:
    e = _network(session, net)
    pair = [e["k1"].id, e["k9"].id]
    link = session.scalars(
        select(SuggestedLink).where(SuggestedLink.left_pk.in_(pair), SuggestedLink.right_pk.in_(pair))
    ).one()
    url = f"/console/chart/links/{link.id}/judge"
    console.sign_in("EG", Role.ANALYST)  # sees both shared records, owns neither: 404
    assert console.post(url, {"judgement": "same"}, token_from="/console/chart").status_code == 404
    client.cookies.clear()
    console.sign_in("MA", Role.FRONTLINE_OFFICER)  # sees both, may not judge
    assert console.post(url, {"judgement": "same"}, token_from="/console/chart").status_code == 403
    assert 'data-may-judge="false"' in client.get(f"/console/chart?entity={e['k1'].id}").text
    client.cookies.clear()
    console.sign_in("MA", Role.ANALYST)
    assert client.post(url, data={"judgement": "same"}).status_code == 403  # no CSRF token
    page = client.get(f"/console/chart?entity={e['k1'].id}")
    bad = client.post(url, data={"judgement": "maybe", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 400
    judged = client.post(url, data={"judgement": "same", "csrf_token": csrf_of(page.text)})
    assert judged.status_code == 200 and judged.json()["status"] == "same"
    after = client.get(f"/console/chart/entities/{e['k1'].id}/neighbours").json()
    assert {x["kind"] for x in after["edges"]} == {"relationship", "same"}  # now a judged edge, no suggestion
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.link_judged")) is not None


def test_navigation_roles_and_languages(console: Console, client: TestClient, session: Session, net: Net) -> None:
    e = _network(session, net)
    console.sign_in("MA", Role.ADMINISTRATOR)  # may not read entities: no chart
    assert 'href="/console/chart"' not in client.get("/console/").text
    assert client.get("/console/chart").status_code == 403
    client.cookies.clear()
    console.sign_in("MA", Role.ANALYST)
    arabic = client.get(f"/console/chart?entity={e['k1'].id}&lang=ar")
    assert 'dir="rtl"' in arabic.text and "مخطط الروابط" in arabic.text
    strings = json.loads(re.search(r'id="chart-i18n">(.*?)</script>', arabic.text, re.S).group(1))  # type: ignore[union-attr]
    assert strings["judgements"]["not_same"] != "Not the same" and "{nodes}" in strings["shown"]
    client.cookies.clear()
    assert client.get("/console/chart/entities/x/neighbours", follow_redirects=False).status_code == 303  # sign in
