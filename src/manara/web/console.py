"""The web console: pages under /console, static files, HTML error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from manara.web import (
    account_views,
    admin_views,
    assessment_views,
    audit_views,
    auth_views,
    case_views,
    chart_views,
    crypto_views,
    cyber_views,
    dashboard_views,
    drone_views,
    hit_views,
    live_views,
    map_views,
    media_views,
    notice_action_views,
    notice_edit_views,
    notice_types,
    notice_views,
    oidc,
    pursuit_views,
    screening_views,
    search_views,
    security_views,
    training_views,
    wall_views,
    webhook_views,
)
from manara.web.errors import CONSOLE_PREFIX, install_html_errors
from manara.web.static_files import ConsoleStaticFiles

STATIC = Path(__file__).parent / "static"


def console_router() -> APIRouter:
    """Return the router of every console page."""
    router = APIRouter(prefix=CONSOLE_PREFIX, include_in_schema=False)
    # notice_edit_views before notice_views: /notices/new must not be read as a notice id
    for module in (
        auth_views,
        dashboard_views,
        notice_edit_views,
        notice_views,
        account_views,
        admin_views,
        assessment_views,
        audit_views,
        case_views,
        chart_views,
        crypto_views,
        cyber_views,
        drone_views,
        hit_views,
        live_views,
        map_views,
        media_views,
        notice_action_views,
        notice_types,
        pursuit_views,
        screening_views,
        oidc,
        search_views,
        security_views,
        training_views,
        wall_views,
        webhook_views,
    ):
        router.include_router(module.router)
    return router


def install_console(app: FastAPI) -> None:
    """Mount the console, its static files and its HTML error pages (after the JSON error handlers)."""
    app.include_router(console_router())
    app.include_router(pursuit_views.public_router)  # /public/appeals: served without sign-in
    app.mount(f"{CONSOLE_PREFIX}/static", ConsoleStaticFiles(directory=STATIC), name="console-static")
    install_html_errors(app)
