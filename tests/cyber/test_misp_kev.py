"""MISP events in and out (distribution ↔ visibility, tlp tags), and the KEV reference feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from cyber.helpers import API, add
from manara.cyber.actions import do_import_kev
from manara.cyber.kev import kev_path, parse_kev_csv
from manara.cyber.models import CyberIndicator, KevEntry
from manara.errors import ValidationFailed
from manara.identity import Role

SAMPLE = Path(__file__).parent / "data" / "kev_sample.csv"


def event(distribution: str, **over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "info": "Phishing campaign against North African banks",
        "distribution": distribution,
        "Tag": [{"name": "tlp:green"}],
        "Attribute": [
            {"uuid": "a1", "type": "domain", "category": "Network activity", "value": "Bank-Verify.example"},
            {"uuid": "a2", "type": "ip-dst", "category": "Network activity", "value": "2001:db8::9"},
            {"uuid": "a3", "type": "sha256", "category": "Payload delivery", "value": "nothex", "Tag": []},
            {"uuid": "a4", "type": "regkey", "category": "Persistence mechanism", "value": "HKLM\\Run\\x"},
            {"uuid": "a5", "type": "btc", "value": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "Tag": [{"name": "tlp:red"}]},
        ],
        **over,
    }
    return {"Event": body}


def rows(session: Session, country: str) -> dict[str, CyberIndicator]:
    stmt = select(CyberIndicator).where(CyberIndicator.owner_country == country)
    return {r.value_key: r for r in session.scalars(stmt)}


@pytest.mark.parametrize(
    ("distribution", "params", "extra", "visibility", "shared"),
    [
        ("0", {}, {}, "owner", []),
        ("1", {"community": ["FR", "EG"]}, {}, "countries", ["EG", "FR"]),
        ("1", {}, {}, "owner", []),
        ("2", {}, {}, "all", []),
        ("3", {}, {}, "all", []),
        (
            "4",
            {},
            {
                "SharingGroup": {
                    "SharingGroupOrg": [
                        {"Organisation": {"nationality": "FR"}},
                        {"Organisation": {"nationality": "US"}},
                    ]
                }
            },
            "countries",
            ["FR"],
        ),
    ],
)
def test_misp_distribution_maps_to_visibility(
    client: TestClient,
    net: Net,
    session: Session,
    distribution: str,
    params: dict[str, list[str]],
    extra: dict[str, object],
    visibility: str,
    shared: list[str],
) -> None:
    response = client.post(
        f"{API}/misp/import",
        json=event(distribution, **extra),
        params=params,
        headers=net.user("MA", Role.ANALYST).headers,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["received"], report["stored"]) == (5, 3)
    assert {r["id"] for r in report["refused"]} == {"a3", "a4"}
    found = rows(session, "MA")
    assert (
        found["bank-verify.example"].visibility == visibility
        and sorted(found["bank-verify.example"].shared_with) == shared
    )
    assert found["bank-verify.example"].tlp == "green"
    assert found["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"].tlp == "red"  # the strictest tag wins
    assert found["2001:db8::9"].kind == "ipv6-addr"


def test_misp_bad_input(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.ANALYST).headers
    for body in ({"Event": {"Attribute": "x"}}, {"Event": []}):
        assert client.post(f"{API}/misp/import", json=body, headers=ma).status_code == 422
    assert rows(session, "MA") == {}


def test_misp_export_round_trip(client: TestClient, net: Net, session: Session) -> None:
    a = add(client, net, "MA", "domain-name", "out.example", tlp="green", visibility="countries", shared_with=["FR"])
    b = add(
        client,
        net,
        "MA",
        "file-md5",
        "44d88612fea8a8f36de82e1278abb02f",
        tlp="amber",
        visibility="countries",
        shared_with=["FR"],
    )
    out = client.post(
        f"{API}/misp/export", json={"indicator_ids": [a["id"], b["id"]]}, headers=net.user("MA", Role.ANALYST).headers
    )
    assert out.status_code == 200, out.text
    misp = out.json()["Event"]
    assert misp["distribution"] == "4" and misp["Tag"] == [{"name": "tlp:green"}]
    assert {o["Organisation"]["nationality"] for o in misp["SharingGroup"]["SharingGroupOrg"]} == {"FR", "MA"}
    assert {(x["type"], x["value"]) for x in misp["Attribute"]} == {
        ("domain", "out.example"),
        ("md5", "44d88612fea8a8f36de82e1278abb02f"),
    }
    back = client.post(f"{API}/misp/import", json=out.json(), headers=net.user("FR", Role.ANALYST).headers).json()
    assert back["stored"] == 2
    fr = rows(session, "FR")
    assert fr["out.example"].tlp == "green" and fr["44d88612fea8a8f36de82e1278abb02f"].tlp == "amber"
    assert fr["out.example"].visibility == "countries" and fr["out.example"].shared_with == ["MA"]


def test_kev_sample_parses_and_loads(client: TestClient, net: Net, session: Session) -> None:
    entries = parse_kev_csv(SAMPLE.read_text(encoding="utf-8"))
    assert len(entries) == 23 and entries[0]["cve_id"] == "CVE-2025-48384" and "CWE-59" in entries[0]["cwes"]
    actor = net.user("MA", Role.BUREAU_OFFICER).actor
    assert do_import_kev(session, actor, entries) == {"entries": 23, "added": 23}
    assert do_import_kev(session, actor, entries) == {"entries": 23, "added": 0}
    session.commit()
    assert session.get(KevEntry, "CVE-2025-48384") is not None
    listed = client.get(
        f"{API}/kev", params={"q": "citrix"}, headers=net.user("FR", Role.FRONTLINE_OFFICER).headers
    ).json()
    assert listed["total"] >= 1 and all("Citrix" in k["vendor"] for k in listed["items"])


def test_kev_bad_csv_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        parse_kev_csv("a,b\n1,2\n")
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    with pytest.raises(ValidationFailed):
        parse_kev_csv(header + "\nnot-a-cve,x,y,z,2025-01-01,d,r,2025-02-01,Unknown,,\n")


def test_kev_path_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_KEV_CSV", str(SAMPLE))
    assert kev_path() == SAMPLE
    monkeypatch.delenv("MANARA_KEV_CSV")
    assert kev_path().name == "known_exploited_vulnerabilities.csv"
