"""The ASGI application, assembled from the interfaces: JSON API under /api/v1 (``api/``), the console
(``web/``), health probes, landing page, OpenAPI at /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy import text

from manara import __version__
from manara.analysis.jobs import XrefRunner
from manara.api import (
    analysis,
    assessment,
    audit,
    biometric,
    case,
    crypto,
    cyber,
    document,
    drone,
    entity,
    hit,
    media,
    member,
    notice,
    pursuit,
    screening,
    search,
    taxii,
    training,
    webhook,
    xref,
)
from manara.api.deps import DbSession
from manara.api.errors import install_error_handlers
from manara.api.idempotency import IdempotentPosts
from manara.api.logs import RequestLog, configure_logging
from manara.api.metrics import router as metrics_router
from manara.api.middleware import BodyLimit, RequestContext
from manara.api.ratelimit import RateLimit, RateLimits
from manara.assessment.jobs import AssessmentRunner
from manara.biometric.index import BiometricIndex, start_warmup
from manara.db.session import read_only_unit, unit_of_work
from manara.screening.index import IndexWarmingUp, ScreeningIndex
from manara.screening.jobs import JobRunner
from manara.screening.refresher import IndexRefresher
from manara.serve import preloaded_index, runs_background_jobs
from manara.settings import get_settings
from manara.web.console import install_console
from manara.web.pages import landing_page
from manara.web.security_headers import SecurityHeaders
from manara.webhook.delivery import WebhookRunner

API_PREFIX = "/api/v1"
# The JSON routers, in the order of the OpenAPI document; a new domain adds its `api/<domain>.py` here.
# Importing them imports every domain package, which registers its live queues (`live.queues.register_queue`),
# so the escalation job of this process covers every queue.
API_MODULES = (
    member,
    entity,
    notice,
    screening,
    document,
    hit,
    audit,
    analysis,
    biometric,
    case,
    search,
    xref,
    training,
    media,
    crypto,
    drone,
    pursuit,
    webhook,
    cyber,
    assessment,
)


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    def health() -> dict[str, Any]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @router.get("/ready")
    def ready(request: Request, session: DbSession) -> dict[str, Any]:
        """Readiness: the database answers and is migrated, and the screening index is loaded."""
        session.execute(text("SELECT 1 FROM alembic_version"))
        index = request.app.state.screening_index
        if not index.built and not index.lazy_build:
            raise IndexWarmingUp("the screening index is still loading")
        return {"status": "ready", "screening_index": len(index)}

    return router


def _lifespan(workers: bool) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the index refresher and the job runner with the server, and stop them with it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not workers:
            yield
            return
        settings = get_settings()
        refresher = IndexRefresher(
            read_only_unit, app.state.screening_index, settings.screening_refresh_seconds, settings.screening_snapshot
        )
        runners: list[JobRunner | XrefRunner | WebhookRunner | AssessmentRunner] = []
        if runs_background_jobs():  # one process per deployment (see manara.serve)
            runners = [
                JobRunner(
                    unit_of_work,
                    app.state.screening_index,
                    settings.data_dir,
                    escalate_every=settings.escalation_every_seconds,
                ),
                XrefRunner(unit_of_work, settings.data_dir),
                WebhookRunner(unit_of_work, settings.webhook_every_seconds, settings.webhook_timeout_seconds),
                AssessmentRunner(unit_of_work, settings.data_dir),
            ]
        refresher.start()
        for runner in runners:
            runner.start()
        app.state.biometric_index = BiometricIndex()
        start_warmup(app.state.biometric_index, read_only_unit, settings.biometric_snapshot)
        yield
        for stoppable in (refresher, *runners):
            stoppable.stop.set()

    return lifespan


def create_app(*, workers: bool = True) -> FastAPI:
    """Build the application; settings are read here, never at import time.

    ``workers=False`` (tests) skips the background index refresher and batch job runner.
    """
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)  # JSON lines with the request id (api/logs.py)
    app = FastAPIOffline(  # Swagger UI and ReDoc served from the package: no CDN, works offline
        lifespan=_lifespan(workers),
        title="Manara API",
        version=__version__,
        description="Open platform for international police cooperation: notices, subjects (FollowTheMoney), "
        "access control and a tamper-evident audit log. Authenticate with `Authorization: Bearer <API key>`.",
    )
    install_error_handlers(app, API_PREFIX)
    api = APIRouter(prefix=API_PREFIX)
    app.state.screening_index = preloaded_index() or ScreeningIndex(lazy_build=not workers)
    for module in API_MODULES:
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(_health_router())
    app.include_router(taxii.router)  # TAXII 2.1 at /taxii2/ (api/taxii.py)
    app.include_router(metrics_router)  # /metrics for the configured networks or token (api/metrics.py)
    install_console(app)  # /console pages, static files, HTML error pages for console paths
    app.add_api_route("/", landing_page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    app.add_middleware(IdempotentPosts)  # Idempotency-Key on every creating request (api/idempotency.py)
    app.add_middleware(
        BodyLimit,
        default=settings.max_request_bytes,
        overrides={f"{API_PREFIX}/entities/import": settings.max_import_bytes},
    )
    app.add_middleware(RateLimit, limits=RateLimits.from_settings(settings))  # finding 11
    app.add_middleware(SecurityHeaders)  # finding 10: CSP, no-store, nosniff, no referrer
    app.add_middleware(RequestLog)  # one log line and the metrics of each request, inside its request id
    app.add_middleware(RequestContext)
    return app
