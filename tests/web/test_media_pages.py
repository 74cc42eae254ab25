"""Media console pages in four languages: banks, a bank (add, import, disable, re-enable, export), matching an
uploaded file, and match reports with feedback to the owner; access by role and visibility."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.identity import Role
from manara.media import actions
from manara.media.hashing import hash_image
from manara.media.index import MediaIndex
from manara.media.models import HashBank
from manara.media.schemas import BankIn, HashIn
from media.imagery import jpeg
from web.conftest import Console, csrf_of


@pytest.fixture(autouse=True)
def fresh_index(app: Any) -> None:
    app.state.media_index = MediaIndex(refresh_seconds=0)


def _bank(session: Session, net: Net, *, visibility: str = "all", shared: list[str] | None = None) -> HashBank:
    owner = net.user("FR", Role.BUREAU_OFFICER).actor
    bank = actions.do_create_bank(
        session,
        owner,
        BankIn(name="FR propaganda", labels=["propaganda"], visibility=visibility, shared_with=shared or []),  # type: ignore[arg-type]
    )
    actions.do_add_hashes(
        session, owner, bank, [HashIn(signal_type="pdq", signal=hash_image(jpeg(70)).pdq, source="seized phone")]
    )
    session.commit()
    return bank


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Hash banks"), ("fr", "Banques d’empreintes"), ("ar", "بنوك البصمات"), ("es", "Bancos de huellas")],
)
def test_banks_page_in_four_languages(client: TestClient, session: Session, net: Net, lang: str, heading: str) -> None:
    _bank(session, net)
    Console(client, session, net).sign_in("MA", Role.FRONTLINE_OFFICER)
    for path in ("/console/media", "/console/media/match", "/console/media/matches"):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == 200 and "<h1" in page.text, path
    page = client.get(f"/console/media?lang={lang}")
    assert heading in page.text and "FR propaganda" in page.text
    assert "seized phone" not in client.get(f"/console/media/banks/{_first(session)}?lang={lang}").text


def _first(session: Session) -> str:
    bank = session.query(HashBank).first()
    assert bank is not None
    return bank.id


def test_owner_creates_a_bank_adds_imports_disables_and_exports(client: TestClient, session: Session, net: Net) -> None:
    console = Console(client, session, net)
    console.sign_in("EG", Role.ANALYST)
    bad = console.post(
        "/console/media/banks", {"name": "", "tlp": "amber", "visibility": "all"}, token_from="/console/media"
    )
    assert bad.status_code == 422 and "is-invalid" in bad.text
    made = console.post(
        "/console/media/banks",
        {
            "name": "EG attack footage",
            "labels": "attack_footage",
            "tlp": "red",
            "visibility": "countries",
            "shared_with": "MA",
        },
        token_from="/console/media",
    )
    assert made.status_code == 303
    url = made.headers["location"]
    added = console.post(
        f"{url}/hashes",
        {"signal_type": "pdq", "signal": hash_image(jpeg(71)).pdq, "source": "channel X"},
        token_from=url,
    )
    assert added.status_code == 200 and "1 hashes added" in added.text
    wrong = console.post(f"{url}/hashes", {"signal_type": "pdq", "signal": "nothex"}, token_from=url)
    assert wrong.status_code == 422 and "is-invalid" in wrong.text
    imported = console.post(
        f"{url}/hashes",
        {"signals": f"pdq {hash_image(jpeg(72)).pdq}\npdq {hash_image(jpeg(71)).pdq}\n"},
        token_from=url,
    )
    assert imported.status_code == 200 and "1 hashes added, 1 already" in imported.text
    export = client.get(f"{url}/export?format=csv")
    assert export.status_code == 200 and export.text.startswith("collab,signal_type,signal_str,category,tags")
    hash_id = client.get(url).text.split("/console/media/hashes/")[1].split("/")[0]
    no_reason = console.post(f"/console/media/hashes/{hash_id}/disable", {"reason": ""}, token_from=url)
    assert no_reason.status_code == 422
    off = console.post(f"/console/media/hashes/{hash_id}/disable", {"reason": "false positive"}, token_from=url)
    assert off.status_code == 303 and "Re-enable" in client.get(url).text
    on = console.post(f"/console/media/hashes/{hash_id}/enable", {}, token_from=url)
    assert on.status_code == 303


def test_matching_an_upload_and_feedback_to_the_owner(client: TestClient, session: Session, net: Net) -> None:
    bank = _bank(session, net)
    console = Console(client, session, net)
    console.sign_in("MA", Role.DUTY_OFFICER)
    token = csrf_of(client.get("/console/media/match").text)
    result = client.post(
        "/console/media/match",
        data={"csrf_token": token, "context": "case 44"},
        files={"file": ("x.jpg", jpeg(70, quality=60), "image/jpeg")},
    )
    assert result.status_code == 200 and "FR propaganda" in result.text and "<img" not in result.text
    nothing = client.post(
        "/console/media/match", data={"csrf_token": token}, files={"file": ("y.jpg", jpeg(73), "image/jpeg")}
    )
    assert nothing.status_code == 200 and "No match" in nothing.text
    broken = client.post(
        "/console/media/match", data={"csrf_token": token}, files={"file": ("z.jpg", jpeg(73)[:200], "image/jpeg")}
    )
    assert broken.status_code == 422 and "is-invalid" in broken.text
    reports = client.get("/console/media/matches")
    match_id = reports.text.split("/console/media/matches/")[1].split("/")[0]
    sent = console.post(
        f"/console/media/matches/{match_id}/feedback", {"verdict": "true_positive"}, token_from="/console/media/matches"
    )
    assert sent.status_code == 303
    client.cookies.clear()
    console.sign_in("FR", Role.BUREAU_OFFICER)
    ours = client.get("/console/media/matches")
    assert "True positive" in ours.text and bank.id in ours.text


def test_pages_by_role_and_visibility(client: TestClient, session: Session, net: Net) -> None:
    bank = _bank(session, net, visibility="countries", shared=["MA"])
    console = Console(client, session, net)
    console.sign_in("EG", Role.BUREAU_OFFICER)
    assert client.get(f"/console/media/banks/{bank.id}").status_code == 404
    assert client.get(f"/console/media/banks/{bank.id}/export").status_code == 404
    assert "FR propaganda" not in client.get("/console/media").text
    client.cookies.clear()
    console.sign_in("MA", Role.REVIEWER)
    assert client.get("/console/media").status_code == 403
    assert client.get("/console/media/match").status_code == 403
    client.cookies.clear()
    console.sign_in("MA", Role.FRONTLINE_OFFICER)
    page = client.get(f"/console/media/banks/{bank.id}")
    assert page.status_code == 200 and "Disable" not in page.text and "Add a hash" not in page.text
    assert "Create a bank" not in client.get("/console/media").text
