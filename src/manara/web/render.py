"""Render console pages: one Jinja2 environment per language, with Babel formatting filters."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from manara import __version__
from manara.identity import Actor, Perm
from manara.notice.types import published_on_submit
from manara.text import N_
from manara.visibility import shares_for
from manara.web import i18n, notice_types, session, subject
from manara.web.pages import TEMPLATES

# The navigation: groups of (path, label msgid, permission needed; None: every signed-in user). Labels are
# translated in the template. A new domain adds its entry to the group it belongs to (or a new group).
NavEntry = tuple[str, str, Perm | None]
NavGroup = tuple[str, tuple[NavEntry, ...]]
NAV: tuple[NavGroup, ...] = (
    (
        N_("Operations"),
        (
            ("/console/", N_("Dashboard"), None),
            ("/console/wall", N_("Operations wall"), Perm.NOTICE_READ),
            ("/console/hits", N_("Hits inbox"), Perm.HIT_ANSWER),
            ("/console/handover", N_("Handover"), Perm.CASE_HANDOVER),
            ("/console/map", N_("Map"), Perm.NOTICE_READ),
            ("/console/pursuits", N_("Pursuits"), Perm.PURSUIT_READ),
            ("/console/operations", N_("Operations"), Perm.PURSUIT_READ),
        ),
    ),
    (
        N_("Notices and screening"),
        (
            ("/console/notices", N_("Notices"), Perm.NOTICE_READ),
            ("/console/screen", N_("Screening"), Perm.SCREEN),
            ("/console/search", N_("Search"), None),
        ),
    ),
    (
        N_("Analysis"),
        (
            ("/console/cases", N_("Cases"), Perm.CASE_READ),
            ("/console/chart", N_("Link chart"), Perm.ENTITY_READ),
            ("/console/assessments", N_("Threat assessments"), Perm.ASSESSMENT_READ),
        ),
    ),
    (
        N_("Cybercrime"),
        (
            ("/console/media", N_("Media hashes"), Perm.MEDIA_READ),
            ("/console/drones", N_("Drones"), Perm.DRONE_READ),
            ("/console/crypto", N_("Crypto tracing"), Perm.CRYPTO_READ),
            ("/console/cyber", N_("Cyber indicators"), Perm.CYBER_READ),
        ),
    ),
    (
        N_("Training"),
        (
            ("/console/training", N_("Training"), Perm.TRAINING_READ),
            ("/console/training/desk", N_("Training desk"), Perm.TRAINING_MANAGE),
        ),
    ),
    (
        N_("Administration"),
        (
            ("/console/admin/users", N_("Users and members"), Perm.MEMBER_ADMIN),
            ("/console/admin/audit", N_("Audit log"), Perm.AUDIT_READ),
            ("/console/admin/webhooks", N_("Webhooks"), Perm.WEBHOOK_ADMIN),
            ("/console/account", N_("Account"), None),
        ),
    ),
)


# An icon (vendored Tabler sprite) per navigation entry; an entry without one gets an arrow.
NAV_ICONS = {
    "/console/": "layout-dashboard",
    "/console/wall": "device-tv",
    "/console/hits": "bell-ringing",
    "/console/handover": "arrows-exchange",
    "/console/map": "map-2",
    "/console/pursuits": "target-arrow",
    "/console/operations": "flag",
    "/console/notices": "file-alert",
    "/console/screen": "user-search",
    "/console/search": "search",
    "/console/cases": "folders",
    "/console/chart": "affiliate",
    "/console/assessments": "file-text",
    "/console/crypto": "currency-bitcoin",
    "/console/cyber": "shield-lock",
    "/console/media": "photo-scan",
    "/console/drones": "drone",
    "/console/training": "school",
    "/console/admin/users": "users",
    "/console/admin/audit": "shield-check",
    "/console/admin/webhooks": "send",
    "/console/account": "user-circle",
}
THEME_CHOICES = (
    ("auto", N_("System display")),
    ("light", N_("Light")),
    ("dark", N_("Dark")),
    ("contrast", N_("High contrast")),
)


@lru_cache
def environment(lang: str) -> Environment:
    """Return the environment of ``lang``: autoescaping, gettext catalog, locale filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        shares_for=lambda shared, owner, actor: shares_for(actor.country if actor else "", owner, shared or []),
        datetime=partial(i18n.fmt_datetime, lang=lang),
        date=partial(i18n.fmt_date, lang=lang),
        number=partial(i18n.fmt_number, lang=lang),
        percent=partial(i18n.fmt_percent, lang=lang),
        partial_date=partial(subject.format_partial_date, lang=lang),
        country=partial(subject.country_name, lang=lang),
    )
    env.globals["subject_facts"] = partial(subject.subject_facts, lang=lang)
    env.globals["type_labels"] = notice_types.TYPE_LABELS  # msgids, translated by _labels.html's type_label
    env.globals["published_on_submit"] = published_on_submit  # a diffusion: "Publish", not "Submit for review"
    return env


def gettext(request: Request, message: str) -> str:
    """Translate a message of Python code into the request's language."""
    return str(i18n.translations(i18n.choose_language(request)).gettext(message))


def nav_for(actor: Actor | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the navigation groups and entries the actor's role may use (empty groups left out)."""
    if actor is None:
        return []
    groups = []
    for label, entries in NAV:
        allowed = [(path, name) for path, name, perm in entries if perm is None or actor.can(perm)]
        if allowed:
            groups.append((label, allowed))
    return groups


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a console page in the request's language, with the CSRF token of its forms."""
    lang = i18n.choose_language(request)
    actor: Actor | None = getattr(request.state, "console_actor", None)
    nonce: str | None = getattr(request.state, "console_nonce", None)
    new_anon = False
    if nonce is None:
        nonce, new_anon = session.anon_nonce(request)
    html = (
        environment(lang)
        .get_template(f"console/{template}")
        .render(
            request=request,
            lang=lang,
            dir=i18n.text_direction(lang),
            languages=i18n.NAMES,
            actor=actor,
            nav=nav_for(actor),
            nav_icons=NAV_ICONS,
            theme=getattr(request.state, "console_theme", "auto"),
            theme_choices=THEME_CHOICES,
            csrf_token=session.csrf_token(nonce),
            version=__version__,
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    if new_anon:
        session.set_anon_nonce(response, nonce)
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie(
            i18n.LANG_COOKIE, request.query_params["lang"], max_age=365 * 86400, samesite="lax", httponly=True, path="/"
        )
    return response
