"""The lifecycle of a pursuit: which step follows which, and which member may take it.

wanted → location_suspected → located → provisional_arrest → extradition_requested → granted | refused | appeal
→ surrendered | released; withdrawn from any open state. Who:

- ``party``: any member country of the pursuit (suspecting a location, naming the country suspected);
- ``locator``: a member of the pursuit other than the requesting one, which becomes the locating member;
- ``located``: only the locating (requested) member: the arrest, the decision, the surrender or release;
- ``requesting``: only the requesting member (the notice owner): the extradition request, the withdrawal.
"""

from __future__ import annotations

from manara.errors import InvalidTransition, NotFound, ValidationFailed
from manara.identity import Actor
from manara.pursuit.models import Pursuit
from manara.pursuit.models import PursuitState as S

FINAL = frozenset({S.SURRENDERED, S.RELEASED, S.WITHDRAWN})
OPEN_STATES = tuple(s.value for s in S if s not in FINAL)
DECISIONS = frozenset({S.GRANTED, S.REFUSED, S.APPEAL})

# from state -> {to state: who may take the step}
STEPS: dict[S, dict[S, str]] = {
    S.WANTED: {S.LOCATION_SUSPECTED: "party", S.LOCATED: "locator"},
    S.LOCATION_SUSPECTED: {S.LOCATION_SUSPECTED: "party", S.LOCATED: "locator"},
    S.LOCATED: {S.PROVISIONAL_ARREST: "located", S.LOCATION_SUSPECTED: "located"},
    S.PROVISIONAL_ARREST: {S.EXTRADITION_REQUESTED: "requesting", S.RELEASED: "located"},
    S.EXTRADITION_REQUESTED: {S.GRANTED: "located", S.REFUSED: "located", S.APPEAL: "located"},
    S.APPEAL: {S.GRANTED: "located", S.REFUSED: "located"},
    S.GRANTED: {S.SURRENDERED: "located"},
    S.REFUSED: {S.APPEAL: "located", S.RELEASED: "located"},
}
NEEDS_REASON = frozenset({S.REFUSED, S.RELEASED, S.WITHDRAWN})


def allowed_steps(pursuit: Pursuit, country: str) -> list[S]:
    """Return the steps ``country`` may take on the pursuit now (for the console's buttons)."""
    current = S(pursuit.state)
    found = [to for to in STEPS.get(current, {}) if _may(pursuit, country, STEPS[current][to])]
    if current not in FINAL and country == pursuit.owner_country:
        found.append(S.WITHDRAWN)
    return found


def _may(pursuit: Pursuit, country: str, who: str) -> bool:
    if who == "party":
        return True
    if who == "locator":
        return country != pursuit.owner_country
    if who == "located":
        return country == pursuit.located_by
    return country == pursuit.owner_country  # requesting


def check_step(pursuit: Pursuit, actor: Actor, to: S, reason: str) -> None:
    """Refuse a step out of order (409) or by a member not entitled to it (404, as for an invisible record)."""
    current = S(pursuit.state)
    if to == S.WITHDRAWN:
        if current in FINAL:
            raise InvalidTransition("pursuit", current.value, "withdraw")
        who = "requesting"
    else:
        who_by = STEPS.get(current, {}).get(to)
        if who_by is None:
            raise InvalidTransition("pursuit", current.value, f"move to {to.value}")
        who = who_by
    if not _may(pursuit, actor.country, who):
        raise NotFound("pursuit_step", f"{pursuit.id}/{to.value}")
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationFailed("a reason is required", [{"field": "reason", "message": f"{to.value} needs a reason"}])
