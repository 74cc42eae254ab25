"""The visibility rule: `audience` (precomputed, for the screening index) says what `may_see` says."""

from itertools import product

from manara.visibility import Visibility, audience, may_see

COUNTRIES = ("MA", "FR", "TN", "EG")


def test_audience_agrees_with_may_see_for_every_scope_and_country() -> None:
    for visibility, shared in product([*Visibility, "unknown"], [(), ("FR",), ("FR", "TN")]):
        viewers = audience(owner="MA", visibility=visibility, shared_with=shared)
        for country in COUNTRIES:
            expected = may_see(owner="MA", visibility=visibility, shared_with=list(shared), country=country)
            assert (viewers is None or country in viewers) == expected, (visibility, shared, country)


def test_audience_is_none_only_when_all_may_see_and_unknown_scopes_stay_with_the_owner() -> None:
    assert audience(owner="MA", visibility=Visibility.ALL, shared_with=["FR"]) is None
    assert audience(owner="MA", visibility="owner", shared_with=["FR"]) == frozenset({"MA"})
    assert audience(owner="MA", visibility="typo", shared_with=["FR"]) == frozenset({"MA"})
    assert audience(owner="MA", visibility="countries", shared_with=["FR"]) == frozenset({"MA", "FR"})
