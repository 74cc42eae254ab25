"""Every kind of record a hit can be raised on has a translated label in the console (no raw type value)."""

from __future__ import annotations

import pytest

from manara.notice.types import NOTICE_TYPES
from manara.web.render import environment

KINDS = [t.value for t in NOTICE_TYPES] + ["document", "crypto"]


@pytest.mark.parametrize("lang", ["en", "ar", "fr", "es"])
def test_every_hit_kind_has_a_label_in_every_language(lang: str) -> None:
    template = environment(lang).from_string('{% from "console/_labels.html" import type_label %}{{ type_label(t) }}')
    for kind in KINDS:
        label = template.render(t=kind).strip()
        assert label and label != kind, (lang, kind, label)
