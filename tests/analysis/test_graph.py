"""Graph API on a small network with known answers: neighbours, paths, exports, visibility on every node.

MA owns persons k1, k2 (owner only), k3 and the organisation o1; Family(k1, k2), Associate(k2, k3) and
Membership(k3, o1) relate them. k1 and the Family entity are shared with all members.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import orjson
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put
from conftest import Net, person
from manara.entity.models import Entity
from manara.identity import Role

API = "/api/v1/analysis"


def network(session: Session, net: Net) -> dict[str, Entity]:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    out = {
        "k1": put(session, ma, person("k1", "Karim Benali"), visibility="all"),
        "k2": put(session, ma, person("k2", "Samira Benali")),
        "k3": put(session, ma, person("k3", "Youssef Amrani")),
        "o1": put(session, ma, ftm("o1", "Organization", name="Atlas Trading SARL")),
    }
    put(session, ma, ftm("f1", "Family", person="k1", relative="k2", relationship="sister"), visibility="all")
    put(session, ma, ftm("a1", "Associate", person="k2", associate="k3"))
    put(session, ma, ftm("m1", "Membership", member="k3", organization="o1"))
    return out


def ids(body: dict[str, object], key: str = "nodes") -> set[str]:
    return {n["id"] for n in body[key]}  # type: ignore[attr-defined, index]


def test_neighbours_by_depth(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    headers = net.user("MA", Role.ANALYST).headers
    want = {1: {"k1", "k2"}, 2: {"k1", "k2", "k3"}, 3: {"k1", "k2", "k3", "o1"}}
    for depth, names in want.items():
        got = client.get(f"{API}/entities/{e['k1'].id}/neighbours", params={"depth": depth}, headers=headers)
        assert got.status_code == 200
        assert ids(got.json()) == {e[n].id for n in names}, depth
    body = client.get(f"{API}/entities/{e['k1'].id}/neighbours", headers=headers).json()
    (edge,) = body["edges"]
    assert edge["kind"] == "relationship" and edge["label"] == "Family"
    assert (
        client.get(f"{API}/entities/{e['k1'].id}/neighbours", params={"depth": 4}, headers=headers).status_code == 422
    )


def test_visibility_on_every_node(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    fr = net.user("FR", Role.ANALYST).headers
    body = client.get(f"{API}/entities/{e['k1'].id}/neighbours", params={"depth": 3}, headers=fr).json()
    assert ids(body) == {e["k1"].id} and body["edges"] == []  # the relative is not shared with FR
    assert e["k2"].id not in str(body) and "Samira" not in str(body)
    for pk in ("k2", "k3", "o1"):
        assert client.get(f"{API}/entities/{e[pk].id}/neighbours", headers=fr).status_code == 404
        assert client.get(f"{API}/entities/{e[pk].id}/export", headers=fr).status_code == 404
    path = client.get(f"{API}/path", params={"from": e["k1"].id, "to": e["o1"].id}, headers=fr)
    assert path.status_code == 404


def test_shortest_path(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    headers = net.user("MA", Role.ANALYST).headers
    body = client.get(f"{API}/path", params={"from": e["k1"].id, "to": e["o1"].id}, headers=headers).json()
    assert body["found"] and [n["id"] for n in body["nodes"]] == [e[k].id for k in ("k1", "k2", "k3", "o1")]
    assert [x["label"] for x in body["edges"]] == ["Family", "Associate", "Membership"]
    short = client.get(f"{API}/path", params={"from": e["k1"].id, "to": e["o1"].id, "depth": 2}, headers=headers)
    assert short.json()["found"] is False and short.json()["nodes"] == []


def test_exports(client: TestClient, session: Session, net: Net) -> None:
    e = network(session, net)
    headers = net.user("MA", Role.ANALYST).headers
    lines = client.get(f"{API}/entities/{e['k1'].id}/export", params={"depth": 2}, headers=headers)
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    got = {(x["schema"], x["id"]) for x in map(orjson.loads, lines.content.splitlines())}
    assert got == {("Person", "k1"), ("Person", "k2"), ("Person", "k3"), ("Family", "f1"), ("Associate", "a1")}
    gml = client.get(f"{API}/entities/{e['k1'].id}/export", params={"depth": 3, "format": "graphml"}, headers=headers)
    root = ET.fromstring(gml.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in root.findall(".//g:node", ns)} == {x.id for x in e.values()}
    assert len(root.findall(".//g:edge", ns)) == 3
    assert "Atlas Trading SARL" in gml.text
