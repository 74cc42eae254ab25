"""Cross-matching: pairs across members, visibility, remembered judgements, incremental runs."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put, xref
from conftest import Net, person
from manara.analysis.models import SuggestedLink
from manara.analysis.run import build_index
from manara.analysis.xref import EntityRow
from manara.identity import Role
from manara.matching import DEFAULT_THRESHOLD
from manara.outbox.models import OutboxEvent

KARIM = {"birthDate": "1985-04-12", "nationality": "ma"}


def links(session: Session) -> list[SuggestedLink]:
    return list(session.scalars(select(SuggestedLink).order_by(SuggestedLink.created_at)))


def test_persons_pair_across_members_only_where_one_side_may_see_the_other(session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.ANALYST).actor for c in ("MA", "FR", "EG"))
    a = put(session, ma, person("k1", "Karim Benali", **KARIM))
    own = put(session, ma, person("k2", "Karim Benali", **KARIM))  # same owner: never paired
    b = put(session, fr, person("k9", "كريم بنعلي", **KARIM), visibility="all")
    c = put(session, eg, person("k5", "Karim Benali", **KARIM))  # owner only: MA and EG see neither side
    report = xref(session)
    assert report.matched == 4 and report.links == 3
    pairs = {frozenset((link.left_pk, link.right_pk)) for link in links(session)}
    assert pairs == {frozenset((a.id, b.id)), frozenset((own.id, b.id)), frozenset((c.id, b.id))}
    link = next(x for x in links(session) if {x.left_pk, x.right_pk} == {a.id, b.id})
    assert link.kind == "person" and link.score >= DEFAULT_THRESHOLD and link.features and link.explanation


def test_identifiers_match_exactly_after_normalisation(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    w1 = put(
        session,
        ma,
        ftm("w1", "CryptoWallet", publicKey="BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", currencySymbol="BTC"),
        visibility="all",
    )
    w2 = put(
        session,
        fr,
        ftm("w2", "CryptoWallet", publicKey="bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", currencySymbol="BTC"),
    )
    p1 = put(session, ma, person("p1", "Samir Haddad", phone="+212 661-234567"), visibility="all")
    p2 = put(session, fr, person("p2", "Jean Dupont", phone="+212661234567"))
    put(session, fr, person("p3", "Paul Martin", phone="+33612345678"))
    xref(session)
    found = {frozenset((x.left_pk, x.right_pk)): x for x in links(session)}
    assert set(found) == {frozenset((w1.id, w2.id)), frozenset((p1.id, p2.id))}
    phone = found[frozenset((p1.id, p2.id))]
    assert phone.kind == "identifier" and phone.score == 1.0 and phone.features == {"phone": 1.0}
    assert "+212661234567" in phone.explanation


def test_other_owner_is_told_a_link_exists_without_its_content(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    a = put(session, ma, person("k1", "Karim Benali", **KARIM))
    b = put(session, fr, person("k9", "Karim Benali", **KARIM), visibility="all")
    xref(session)
    (link,) = links(session)
    events = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "analysis.link_suggested")).all()
    assert {(e.country, e.payload["entity_id"]) for e in events} == {("MA", a.id), ("FR", b.id)}
    for event in events:
        assert set(event.payload) == {"link_id", "entity_id"} and event.payload["link_id"] == link.id


def test_not_same_is_never_suggested_again_and_runs_are_incremental(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    put(session, ma, person("k1", "Karim Benali", **KARIM))
    put(session, fr, person("k9", "Karim Benali", **KARIM), visibility="all")
    assert xref(session).links == 1
    (link,) = links(session)
    link.status = "not_same"
    session.commit()
    again = xref(session)
    assert again.since is not None and again.matched == 0  # nothing changed since the last run
    put(session, fr, person("k9", "Karim Benali", **KARIM, alias="Karim Ben Ali"), visibility="all")
    changed = xref(session)
    assert changed.matched == 1 and changed.links == 0
    assert xref(session, full=True).links == 0
    assert [x.status for x in links(session)] == ["not_same"]
    assert session.scalar(select(func.count()).select_from(SuggestedLink)) == 1


def test_index_skips_identifiers_shared_by_too_many(session: Session, net: Net) -> None:
    from manara.analysis import xref as xref_module

    index = build_index(session)
    rows = [
        EntityRow(f"e{i}", "MA" if i % 2 else "FR", "all", [], "Person", {"phone": ["+33612345678"]})
        for i in range(xref_module.MAX_SHARING + 1)
    ]
    index.add_all(rows)
    assert index.candidates(rows[0]) == []
    assert len(index.candidates(EntityRow("x", "EG", "all", [], "Person", {"phone": ["+33612345678"]}))) == 0


def test_namesakes_with_other_passports_and_a_birth_year_are_not_suggested(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    put(
        session,
        ma,
        person("k1", "Emma Vincent", birthDate="1974-11-19", nationality="fr", passportNumber="69CA47968"),
        visibility="all",
    )
    put(session, fr, person("k9", "Emma Vincent", birthDate="1974", nationality="fr", passportNumber="55SL74763"))
    put(session, fr, person("k8", "Emma Vincent", birthDate="1974-11-19", nationality="fr", passportNumber="55SL74763"))
    xref(session)
    assert len(links(session)) == 1  # the full birth date still pairs: a passport may have been renewed


def test_relatives_sharing_a_family_name_and_birth_date_are_not_suggested(session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    born = {"birthDate": "1972-12-15", "nationality": "dz"}
    saida = put(session, ma, person("s1", "Saida Benali", gender="female", **born), visibility="all")
    put(session, fr, person("s2", "Siham Benali", gender="female", **born))  # another given name
    put(session, fr, person("s3", "Saida Benali", gender="male", **born))  # another gender
    variant = put(session, fr, person("s4", "سعيدة بنعلي", gender="female", **born))  # her, in Arabic
    xref(session)
    pairs = {frozenset((link.left_pk, link.right_pk)) for link in links(session)}
    assert pairs == {frozenset((saida.id, variant.id))}
