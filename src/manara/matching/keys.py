"""Blocking keys of a prepared record: name skeletons, joined neighbours, document numbers."""

from manara.matching.names import NameForm, token_key
from manara.matching.phonetic import join_skeletons
from manara.matching.scorer import Prepared

DOC_PREFIX = "#"
MAX_KEYS = 256


def name_keys(form: NameForm) -> set[str]:
    """Return the keys of a name: each token, each adjacent pair joined, and short names joined."""
    keys = {token_key(f, s) for f, s in zip(form.tokens, form.skels, strict=True)}
    skels = form.skels
    for i in range(len(skels) - 1):
        joined = join_skeletons(skels[i], skels[i + 1])
        if joined:
            keys.add(joined)
    if 2 < len(skels) <= 4 and "".join(skels):
        keys.add(join_skeletons(*skels))
    return keys


def record_keys(record: Prepared) -> set[str]:
    """Return all blocking keys of a prepared record (bounded)."""
    keys: set[str] = set()
    for form in record.names:
        keys |= name_keys(form)
    keys |= {DOC_PREFIX + d for d in record.documents}
    return set(sorted(keys)[:MAX_KEYS])


def deletions(key: str) -> set[str]:
    """Return the strings one deletion away from a key (SymSpell neighbourhood)."""
    return {key[:i] + key[i + 1:] for i in range(len(key))}
