"""``GET /metrics``: Prometheus text format, for scrapers on the configured networks or holding the token.

Counters (requests, latency, screenings, matches, webhook attempts) come from ``manara.metrics``; what is
cheaper to read than to count is collected here at scrape time: work queues and their overdue items, batch
jobs and their progress, webhook deliveries waiting and dead, this process's index sizes and refresh lag.
No label carries personal data (queues, kinds, statuses and index names only).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Iterator
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from manara import metrics
from manara.analysis.models import XrefRun
from manara.api.deps import DbSession
from manara.case.models import CaseMember
from manara.db.base import utcnow
from manara.errors import Forbidden
from manara.hit.models import Hit, HitStatus
from manara.notice.models import Notice, NoticeStatus
from manara.screening.models import ScreeningJob
from manara.settings import get_settings
from manara.webhook.models import WebhookDelivery

router = APIRouter(tags=["health"])


def metrics_allowed(request: Request) -> bool:
    """Tell whether the client may read the metrics: from an allowed network, or with the metrics token."""
    settings = get_settings()
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    given = request.headers.get("authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.metrics_networks)


class DatabaseCollector(Collector):
    """Gauges read at scrape time from the database and this process's indexes."""

    def __init__(self, session: Session, indexes: dict[str, int]) -> None:
        self.session, self.indexes = session, indexes

    def collect(self) -> Iterable[Metric]:
        return list(self._collect())

    def _collect(self) -> Iterator[Metric]:
        now, s = utcnow(), self.session
        review_hours = get_settings().notice_review_hours
        items = GaugeMetricFamily("manara_queue_items", "Items waiting in a work queue.", labels=["queue"])
        overdue = GaugeMetricFamily(
            "manara_queue_overdue", "Items of a work queue past their deadline.", labels=["queue"]
        )
        open_hits = Hit.status == HitStatus.OPEN.value
        items.add_metric(["hits"], _count(s, select(func.count(Hit.id)).where(open_hits)))
        overdue.add_metric(["hits"], _count(s, select(func.count(Hit.id)).where(open_hits, Hit.deadline_at <= now)))
        submitted = Notice.status == NoticeStatus.SUBMITTED.value
        late = Notice.submitted_at <= now - timedelta(hours=review_hours)
        items.add_metric(["notice_review"], _count(s, select(func.count(Notice.id)).where(submitted)))
        overdue.add_metric(["notice_review"], _count(s, select(func.count(Notice.id)).where(submitted, late)))
        waiting = (CaseMember.role == "invited", CaseMember.responded_at.is_(None))
        items.add_metric(["case_response"], _count(s, select(func.count()).select_from(CaseMember).where(*waiting)))
        overdue.add_metric(
            ["case_response"],
            _count(s, select(func.count()).select_from(CaseMember).where(*waiting, CaseMember.due_at <= now)),
        )
        yield items
        yield overdue

        jobs = GaugeMetricFamily("manara_jobs", "Background jobs by kind and status.", labels=["kind", "status"])
        rows = GaugeMetricFamily(
            "manara_job_rows", "Rows of running jobs: processed and total (progress).", labels=["kind", "state"]
        )
        for status, count in s.execute(select(ScreeningJob.status, func.count()).group_by(ScreeningJob.status)):
            jobs.add_metric(["screening_batch", status], count)
        for status, count in s.execute(select(XrefRun.status, func.count()).group_by(XrefRun.status)):
            jobs.add_metric(["xref", status], count)
        done, total = s.execute(
            select(
                func.coalesce(func.sum(ScreeningJob.processed), 0), func.coalesce(func.sum(ScreeningJob.total), 0)
            ).where(ScreeningJob.status == "running")
        ).one()
        rows.add_metric(["screening_batch", "processed"], done)
        rows.add_metric(["screening_batch", "total"], total)
        done, total = s.execute(
            select(func.coalesce(func.sum(XrefRun.indexed), 0), func.coalesce(func.sum(XrefRun.total), 0)).where(
                XrefRun.status == "running"
            )
        ).one()
        rows.add_metric(["xref", "processed"], done)
        rows.add_metric(["xref", "total"], total)
        yield jobs
        yield rows

        hooks = GaugeMetricFamily("manara_webhook_deliveries", "Webhook deliveries by status.", labels=["status"])
        for status, count in s.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)):
            hooks.add_metric([status], count)
        yield hooks

        size = GaugeMetricFamily("manara_index_entries", "Entries of this process's indexes.", labels=["index"])
        lag = GaugeMetricFamily(
            "manara_index_refresh_lag_seconds", "Seconds since this process last refreshed an index.", labels=["index"]
        )
        state = metrics.index_state()
        for name, entries in self.indexes.items():
            size.add_metric([name], entries)
        for name, (_, seconds) in state.items():
            lag.add_metric([name], seconds)
        yield size
        yield lag


def _count(session: Session, stmt: Select[int]) -> int:
    return int(session.scalar(stmt) or 0)


@router.get("/metrics", include_in_schema=False)
def scrape(request: Request, session: DbSession) -> Response:
    """The metrics of this deployment in the Prometheus text format."""
    if not metrics_allowed(request):
        raise Forbidden("metrics are served to the configured networks or with the metrics token")
    indexes: dict[str, int] = {}
    screening = getattr(request.app.state, "screening_index", None)
    if screening is not None:
        indexes["screening"] = len(screening)
    biometric = getattr(request.app.state, "biometric_index", None)
    if biometric is not None:
        indexes["biometric"] = len(biometric)
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(DatabaseCollector(session, indexes))
    body = generate_latest(metrics.registry()) + generate_latest(scraped)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
