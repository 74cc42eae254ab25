"""Access matrix of the screening routes: role x country x visibility -> status, and no leaks.

MA owns the notice; FR screens; EG is a third member. Hit and document routes: tests/hit/, tests/document/."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import Net
from manara.identity import Perm, Role
from screening.helpers import QUERY, can, publish_red

COUNTRIES = ("MA", "FR", "EG")


def test_screen_route_by_role(client: TestClient, net: Net) -> None:
    wrong = []
    for country in COUNTRIES:
        for role in Role:
            got = client.post("/api/v1/screen", json=QUERY, headers=net.user(country, role).headers).status_code
            want = 200 if can(role, Perm.SCREEN) else 403
            if got != want:
                wrong.append((country, role.value, want, got))
    assert wrong == []


@pytest.mark.parametrize("visibility", ["owner", "countries", "all"])
def test_screening_results_follow_notice_visibility(client: TestClient, net: Net, visibility: str) -> None:
    notice = publish_red(client, net, visibility=visibility, shared=["FR"] if visibility == "countries" else [])
    for country in COUNTRIES:
        body = client.post("/api/v1/screen", json=QUERY, headers=net.user(country, Role.ANALYST).headers).json()
        seen = notice["id"] in [r["notice_id"] for r in body["results"]]
        expected = country == "MA" or visibility == "all" or (visibility == "countries" and country == "FR")
        assert seen == expected, (country, visibility)
        if not expected:
            assert notice["reference"] not in str(body) and "Wanted" not in str(body)
