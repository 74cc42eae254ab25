"""The webhook demo subscribes three members' connectors through the domain's actions (audited, paused one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent
from manara.db import session as db_session
from manara.db.session import make_engine
from manara.demo.webhook import load
from manara.settings import get_settings
from manara.webhook.models import WebhookSubscription
from served import database, seed_network


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = database(tmp_path, "webhook_demo")
    seed_network(url)  # MA, FR, EG with a user of every role (no TN: the demo skips a member it lacks)
    monkeypatch.setenv("MANARA_DATABASE_URL", url)
    for cached in (get_settings, db_session.get_engine, db_session.get_sessionmaker, db_session.get_read_sessionmaker):
        cached.cache_clear()
    yield url
    db_session.get_engine().dispose()
    for cached in (get_settings, db_session.get_engine, db_session.get_sessionmaker, db_session.get_read_sessionmaker):
        cached.cache_clear()


def test_demo_subscriptions(demo_db: str) -> None:
    summary = load(7)
    assert summary.startswith("2 webhook subscriptions")
    engine = make_engine(demo_db)
    with Session(engine) as s:
        subs = {sub.owner_country: sub for sub in s.scalars(select(WebhookSubscription))}
        assert set(subs) == {"MA", "FR"}
        assert subs["MA"].active and not subs["FR"].active
        assert subs["MA"].url == "http://127.0.0.1:8089/manara/ma"
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("webhook.%")))]
        assert actions.count("webhook.subscribed") == 2 and actions.count("webhook.updated") == 1
    engine.dispose()


def test_cli_lists_delivers_and_refuses_a_non_administrator(demo_db: str) -> None:
    import json

    from typer.testing import CliRunner

    from manara.cli.main import app
    from webhook.receiver import receiver

    runner = CliRunner()
    assert "hit.raised" in runner.invoke(app, ["webhooks", "event-types"]).stdout
    with receiver("/cli") as hook:
        added = runner.invoke(app, ["webhooks", "add", hook.url, "--as", "eg.administrator", "--event", "hit.raised"])
        assert added.exit_code == 0, added.output
        made = json.loads(added.stdout)
        assert made["secret"].startswith("whsec_")
        listed = [
            json.loads(line)
            for line in runner.invoke(app, ["webhooks", "list", "--as", "eg.administrator"]).stdout.splitlines()
        ]
        assert [s["id"] for s in listed] == [made["id"]] and made["secret"] not in json.dumps(listed)
        refused = runner.invoke(app, ["webhooks", "list", "--as", "eg.analyst"])
        assert refused.exit_code != 0 and "webhook:admin" in refused.output
        bad = runner.invoke(
            app, ["webhooks", "add", "https://10.0.0.1/x", "--as", "eg.administrator", "--event", "hit.raised"]
        )
        assert bad.exit_code != 0 and "refused address" in bad.output
        delivered = runner.invoke(app, ["webhooks", "deliver"])
        assert delivered.exit_code == 0, delivered.output
        assert json.loads(delivered.stdout) == {"fanned_out": 0, "delivered": 0, "failed": 0, "dead": 0}
        assert runner.invoke(app, ["webhooks", "dead", "--as", "eg.administrator"]).stdout == ""
