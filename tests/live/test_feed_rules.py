"""Who receives which live-feed event, and how it reads in each language (server-side, default deny)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Net
from manara.identity import Role
from manara.web.feed import RULES, render_for
from manara.web.i18n import translations

HIT = {"id": "h1", "owner": "MA", "querying": "FR", "status": "open", "notice_type": "red"}
RED = {
    "id": "n1",
    "owner": "MA",
    "type": "red",
    "status": "published",
    "under_review": False,
    "reference": "MA-R-2026-ABCDEF",
    "visibility": "countries",
    "shared_with": ["FR"],
}


def sees(net: Net, country: str, role: Role, topic: str, payload: dict[str, Any]) -> bool:
    return render_for(net.user(country, role).actor, topic, payload, translations("en").gettext) is not None


@pytest.mark.parametrize("topic", ["hit.raised", "hit.acknowledged", "hit.judged", "hit.escalated"])
def test_a_hit_reaches_its_two_members_only(net: Net, topic: str) -> None:
    assert sees(net, "MA", Role.DUTY_OFFICER, topic, HIT) and sees(net, "FR", Role.FRONTLINE_OFFICER, topic, HIT)
    assert not sees(net, "EG", Role.DUTY_OFFICER, topic, HIT)  # another country's hit never appears
    assert not sees(net, "EG", Role.REVIEWER, topic, HIT)
    assert not sees(net, "MA", Role.ADMINISTRATOR, topic, HIT)  # no notice:read, no feed


def test_a_published_urgent_notice_follows_its_distribution(net: Net) -> None:
    assert sees(net, "MA", Role.BUREAU_OFFICER, "notice.approved", RED)
    assert sees(net, "FR", Role.DUTY_OFFICER, "notice.approved", RED)
    assert not sees(net, "EG", Role.DUTY_OFFICER, "notice.approved", RED)
    assert sees(net, "EG", Role.DUTY_OFFICER, "notice.approved", {**RED, "visibility": "all"})
    legacy = {k: v for k, v in RED.items() if k != "visibility"}  # no distribution in the payload: owner only
    assert not sees(net, "FR", Role.DUTY_OFFICER, "notice.approved", legacy)
    assert sees(net, "MA", Role.DUTY_OFFICER, "notice.approved", legacy)
    assert not sees(net, "FR", Role.DUTY_OFFICER, "notice.approved", {**RED, "type": "blue"})  # not urgent


def test_notices_awaiting_review_reach_reviewers_and_the_owner(net: Net) -> None:
    submitted = {**RED, "status": "submitted", "visibility": "all"}
    assert sees(net, "EG", Role.REVIEWER, "notice.submitted", submitted)
    assert sees(net, "MA", Role.BUREAU_OFFICER, "notice.submitted", submitted)
    assert not sees(net, "EG", Role.DUTY_OFFICER, "notice.submitted", submitted)  # not yet published
    assert sees(net, "EG", Role.REVIEWER, "notice.escalated", submitted)
    assert not sees(net, "FR", Role.BUREAU_OFFICER, "notice.refused", {**RED, "status": "refused"})


def test_case_events_reach_the_addressed_member_and_acknowledgements_stay_home(net: Net) -> None:
    message = {"case_id": "c1", "message_id": "m1", "author_country": "MA"}
    en = translations("en").gettext

    def case_sees(country: str, role: Role, address: str | None) -> bool:
        actor = net.user(country, role).actor
        return render_for(actor, "case.message_posted", message, en, address=address) is not None

    assert case_sees("EG", Role.BUREAU_OFFICER, "EG")
    assert not case_sees("FR", Role.BUREAU_OFFICER, "EG")  # the row is addressed to EG, whatever the payload says
    assert not case_sees("EG", Role.BUREAU_OFFICER, None)  # no addressee: nobody (default deny)
    assert not case_sees("EG", Role.FRONTLINE_OFFICER, "EG")  # no case:read
    ack = {"kind": "notice_review", "item_id": "n1", "country": "FR", "username": "fr.reviewer"}
    assert sees(net, "FR", Role.REVIEWER, "queue.acknowledged", ack)
    assert not sees(net, "EG", Role.REVIEWER, "queue.acknowledged", ack)


def test_unknown_topics_are_not_fed(net: Net) -> None:
    assert not sees(net, "MA", Role.DUTY_OFFICER, "entity.upserted", {"owner": "MA"})


@pytest.mark.parametrize(
    ("lang", "expected"), [("ar", "تطابق"), ("fr", "Nouvelle correspondance"), ("es", "Nueva coincidencia")]
)
def test_lines_are_translated(net: Net, lang: str, expected: str) -> None:
    line = render_for(net.user("MA", Role.DUTY_OFFICER).actor, "hit.raised", HIT, translations(lang).gettext)
    assert line is not None and expected in line.text and "MA" in line.text and "FR" in line.text
    for topic, rule in RULES.items():
        rendered = rule.render({**HIT, **RED, "countries": ["MA"], "username": "u"}, translations(lang).gettext)
        assert rendered.text and "%(" not in rendered.text, topic
