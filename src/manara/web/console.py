"""The web console: pages under /console, static files, HTML error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from manara.web import auth_views, chart_views, dashboard_views, hit_views, notice_views, screening_views
from manara.web.errors import CONSOLE_PREFIX, install_html_errors

STATIC = Path(__file__).parent / "static"


def console_router() -> APIRouter:
    """Return the router of every console page."""
    router = APIRouter(prefix=CONSOLE_PREFIX, include_in_schema=False)
    for module in (auth_views, dashboard_views, notice_views, screening_views, hit_views, chart_views):
        router.include_router(module.router)
    return router


def install_console(app: FastAPI) -> None:
    """Mount the console, its static files and its HTML error pages (after the JSON error handlers)."""
    app.include_router(console_router())
    app.mount(f"{CONSOLE_PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    install_html_errors(app)
