"""The dashboard's notice counts agree with the list (the same visibility rule, counted by parts)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from conftest import COUNTRIES, Net
from factories import make_notice
from manara.identity import Role
from manara.notice import service as notice_service


def test_counts_match_the_visible_list_for_every_user(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("FR", Role.BUREAU_OFFICER).actor
    eg_reviewer = net.user("EG", Role.REVIEWER).actor
    make_notice(session, ma, status="published", reviewer=eg_reviewer)  # all members
    make_notice(session, ma, status="published", visibility="countries", shared=("FR",), reviewer=eg_reviewer)
    make_notice(session, ma, status="published", visibility="owner", reviewer=eg_reviewer)
    make_notice(session, ma, status="submitted", visibility="countries", shared=("EG",))  # awaiting review
    make_notice(session, fr, status="submitted")
    make_notice(session, fr, status="draft")
    for country in COUNTRIES:
        for role in Role:
            actor = net.user(country, role).actor
            listed = notice_service.list_notices(session, actor, page_size=1).total
            assert notice_service.count_notices(session, actor) == listed, (country, role)
            queue = notice_service.list_notices(session, actor, review_queue=True, page_size=1).total
            expected = queue if actor.can(notice_service.Perm.NOTICE_REVIEW) else 0
            assert notice_service.count_review_queue(session, actor) == expected, (country, role)
