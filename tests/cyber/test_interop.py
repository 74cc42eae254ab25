"""Interoperability on this machine: taxii2-client (PyPI) reads Manara's TAXII server served by uvicorn on a
loopback port; Manara's client pulls from medallion (the OASIS reference TAXII 2.1 server) started here."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from taxii2client.v21 import Collection, Server, as_pages

from manara.cyber import client as taxii_client
from manara.cyber.actions import do_add_indicator, do_save_feed
from manara.cyber.models import CyberIndicator, TaxiiFeed
from manara.cyber.schemas import FeedIn, IndicatorIn
from manara.cyber.service import collection_id
from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.tlp import Tlp
from served import SETUP, database, free_port, running

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _seed(url: str) -> tuple[str, str]:
    """Members MA and FR, an analyst of each with an API key, and 30 MA indicators shared with all."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        tokens = []
        actors = {}
        for code in ("MA", "FR"):
            member_actions.do_create_member(session, code, acting=SETUP)
            user = member_actions.do_create_user(
                session, f"{code.lower()}.analyst", country=code, role=Role.ANALYST, acting=SETUP
            )
            _, token = member_actions.do_create_api_key(session, user, acting=SETUP)
            tokens.append(token)
            actors[code] = Actor(user_id=user.id, username=user.username, country=code, role=Role.ANALYST)
        for i in range(30):
            body = IndicatorIn(kind="domain-name", value=f"c2-{i}.example", tlp=Tlp.GREEN, visibility="all")  # type: ignore[arg-type]
            do_add_indicator(session, actors["MA"], body)
        do_add_indicator(
            session, actors["MA"], IndicatorIn(kind="domain-name", value="red.example", tlp=Tlp.RED, visibility="all")
        )  # type: ignore[arg-type]
        session.commit()
    engine.dispose()
    return tokens[0], tokens[1]


def test_taxii2_client_reads_manara(tmp_path: Path) -> None:
    url = database(tmp_path, "interop")
    ma_token, fr_token = _seed(url)
    command = [sys.executable, "-m", "uvicorn", "manara.app:create_app", "--factory"]
    with running(command, url, tmp_path) as (_, base, _log):
        server = Server(f"{base}/taxii2/", user="fr", password=fr_token)
        assert server.title == "Manara TAXII 2.1"
        root = server.api_roots[0]
        titles = {c.title: c for c in root.collections}
        assert "MA TLP:GREEN" in titles and "MA TLP:RED" not in titles
        collection = titles["MA TLP:GREEN"]
        seen = [o["id"] for page in as_pages(collection.get_objects, per_request=7) for o in page.get("objects", [])]
        assert len(seen) == len(set(seen)) == 30
        shared = Collection(f"{base}/taxii2/api/collections/{collection_id(None, None)}/", user="fr", password=fr_token)
        text = json.dumps(shared.get_objects())
        assert "red.example" not in text and "c2-0.example" in text
        manifest = collection.get_manifest(limit=5)
        assert len(manifest["objects"]) == 5 and manifest["more"] is True
        # writing to one's own collection with the client
        own = Collection(
            f"{base}/taxii2/api/collections/{collection_id('FR', Tlp.AMBER)}/", user="fr", password=fr_token
        )
        status = own.add_objects(
            {
                "objects": [
                    {
                        "type": "ipv4-addr",
                        "spec_version": "2.1",
                        "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
                        "value": "198.51.100.3",
                    }
                ]
            }
        )
        assert status.status == "complete" and status.success_count == 1
        denied = httpx.get(f"{base}/taxii2/api/collections/", headers={"Accept": "application/taxii+json;version=2.1"})
        assert denied.status_code == 401 and denied.json()["http_status"] == "401"


@pytest.fixture
def medallion(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """medallion with one writable collection, on a loopback port; yields (collection URL, password)."""
    coll = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
    data = {
        "/discovery": {"title": "partner", "default": "api1", "api_roots": ["api1"]},
        "api1": {
            "information": {
                "title": "Partner CERT",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 9765625,
            },
            "status": [],
            "collections": [
                {
                    "id": coll,
                    "title": "Partner indicators",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (tmp_path / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(tmp_path / "data.json"),
        },
        "users": {"partner": "s3cret-partner"},
        "taxii": {"max_page_size": 25},
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    port = free_port()
    script = "from medallion.scripts.run import main; main()"
    with (tmp_path / "medallion.log").open("wb") as log:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", script, "--host", "127.0.0.1", "--port", str(port), str(tmp_path / "config.json")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(
                        f"{base}/taxii2/",
                        auth=("partner", "s3cret-partner"),
                        headers={"Accept": "application/taxii+json;version=2.1"},
                    ).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError((tmp_path / "medallion.log").read_text())
        yield f"{base}/api1/collections/{coll}/", "s3cret-partner"
    finally:
        proc.terminate()
        proc.wait(10)


def _indicator(i: int) -> dict[str, object]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{i:08d}-1111-4111-8111-111111111111",
        "created": "2026-11-01T00:00:00.000Z",
        "modified": "2026-11-01T00:00:00.000Z",
        "pattern_type": "stix",
        "pattern": f"[ipv4-addr:value = '203.0.113.{i}']",
        "valid_from": "2026-11-01T00:00:00Z",
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
    }


def test_manara_pulls_from_medallion(medallion: tuple[str, str], session: Session, net: object) -> None:
    url, password = medallion
    partner = Collection(url, user="partner", password=password)
    partner.add_objects({"objects": [_indicator(i) for i in range(1, 61)]})
    actor = net.user("MA", Role.ANALYST).actor  # type: ignore[attr-defined]
    feed = do_save_feed(session, actor, FeedIn(name="partner-cert", collection_url=url))
    creds = taxii_client.Credentials(user="partner", password=password)
    report = taxii_client.pull(session, actor, feed, creds)
    session.commit()
    assert (report["received"], report["stored"]) == (60, 60)
    assert feed.added_after is not None and feed.pulled_total == 60
    rows = session.scalars(select(CyberIndicator).where(CyberIndicator.source == "taxii:partner-cert")).all()
    assert len(rows) == 60 and {r.tlp for r in rows} == {"green"} and {r.owner_country for r in rows} == {"MA"}
    # the stored cursor: a second pull fetches only what was added since
    time.sleep(1.1)
    partner.add_objects({"objects": [_indicator(i) for i in range(61, 66)]})
    again = taxii_client.pull(session, actor, session.get(TaxiiFeed, feed.id), creds)  # type: ignore[arg-type]
    assert (again["received"], again["stored"]) == (5, 5)
