"""Network of several entities: components and central nodes with known answers, visibility on every node.

MA's chain k1 - k2 - k3 - o1 (Family, Associate, Membership; see test_graph) and a second MA pair
z1 - z2 (Family) make six nodes in two components. Normalised over the six: the inner nodes k2 and k3
touch 2 of 5 others (degree 0.4) and lie on 2 of the 10 shortest paths between other pairs
(betweenness 0.2); every other node touches one (0.2) and lies on none (0.0).
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put
from analysis.test_graph import network
from conftest import Net, person
from manara.identity import Role

URL = "/api/v1/analysis/network"


def test_components_and_centrality(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    ma = net.user("MA", Role.BUREAU_OFFICER)
    z1 = put(session, ma.actor, person("z1", "Nadia Tazi"))
    z2 = put(session, ma.actor, person("z2", "Omar Tazi"))
    put(session, ma.actor, ftm("zf", "Family", person="z1", relative="z2", relationship="brother"))
    headers = net.user("MA", Role.ANALYST).headers
    got = client.get(URL, params={"ids": f"{e['k1'].id},{z1.id}", "depth": 3}, headers=headers)
    assert got.status_code == 200
    body = got.json()
    chain = sorted(e[k].id for k in ("k1", "k2", "k3", "o1"))
    assert body["components"] == [chain, sorted((z1.id, z2.id))]
    scores = {c["id"]: (c["degree"], c["betweenness"]) for c in body["central"]}
    assert scores[e["k2"].id] == scores[e["k3"].id] == (0.4, 0.2)
    assert scores[e["k1"].id] == scores[e["o1"].id] == scores[z1.id] == scores[z2.id] == (0.2, 0.0)
    assert {c["id"] for c in body["central"][:2]} == {e["k2"].id, e["k3"].id}
    assert len(body["nodes"]) == 6 and len(body["edges"]) == 4
    repeated = client.get(URL, params=[("ids", e["k1"].id), ("ids", z1.id), ("depth", "3")], headers=headers)
    assert repeated.json()["components"] == body["components"]


def test_network_sees_only_what_the_viewer_may(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    fr = net.user("FR", Role.ANALYST).headers
    body = client.get(URL, params={"ids": e["k1"].id, "depth": 3}, headers=fr).json()
    assert body["components"] == [[e["k1"].id]] and body["edges"] == []  # k2 is not shared with FR
    assert [c["id"] for c in body["central"]] == [e["k1"].id]
    assert "Samira" not in str(body) and e["k2"].id not in str(body)
    for hidden in (e["k2"].id, "no-such-entity"):  # one hidden root hides the whole answer: 404
        assert client.get(URL, params={"ids": f"{e['k1'].id},{hidden}"}, headers=fr).status_code == 404
    assert client.get(URL, params={"ids": ","}, headers=fr).status_code == 422
    assert (
        client.get(URL, params={"ids": ",".join(["x"] * 51 + [str(i) for i in range(51)])}, headers=fr).status_code
        == 422
    )
