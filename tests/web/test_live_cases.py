"""Cases on the live dashboard over HTTP: the invited desk's queue row, its acknowledgement, 404 for others."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from case.helpers import open_case
from conftest import Net
from manara.identity import Role
from manara.live.models import QueueAcknowledgement
from web.conftest import Console


def test_the_invited_desk_acknowledges_a_case_from_the_dashboard(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    cid = open_case(client, net.user("MA", Role.BUREAU_OFFICER), invite=["FR"], priority="urgent")["id"]
    url = f"/console/queues/case/{cid}/acknowledge"
    for country in ("EG", "MA"):  # not a member; the opener (a member, not invited)
        console.sign_in(country, Role.DUTY_OFFICER)
        assert console.post(url).status_code == 404
        client.cookies.clear()
    console.sign_in("FR", Role.DUTY_OFFICER)
    page = client.get("/console/?lang=fr").text
    assert f'id="q-case-{cid}"' in page and f'action="{url}"' in page
    assert "Affaires en attente d" in page and "une première réponse" in page
    assert f"Affaire {cid[:8].upper()}" in page and "Invitation à une affaire (Urgent)" in page
    assert console.post(url).status_code == 303
    assert session.get(QueueAcknowledgement, ("case", cid, "FR")) is not None
    shown = client.get("/console/dashboard/queues").text
    assert "fr.duty_officer" in shown and f'action="{url}"' not in shown
    assert console.post(f"/console/queues/case/{cid[:-1]}x/acknowledge").status_code == 404
