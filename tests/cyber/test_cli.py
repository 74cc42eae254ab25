"""``manara cyber``: bundles and events in and out, KEV, TAXII feeds, through the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import Net
from manara.cli.main import app
from manara.cyber.models import CyberIndicator, KevEntry, TaxiiFeed

SAMPLE = Path(__file__).parent / "data" / "kev_sample.csv"
runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """Commands run their units of work on the test's session."""

    @contextmanager
    def uow() -> Iterator[Session]:
        yield session
        session.commit()

    monkeypatch.setattr("manara.cli.cyber.unit_of_work", uow)
    monkeypatch.setattr("manara.cli.common.unit_of_work", uow, raising=False)
    return session


BUNDLE = {
    "type": "bundle",
    "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
    "objects": [
        {
            "type": "domain-name",
            "spec_version": "2.1",
            "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5",
            "value": "cli.example",
        },
        {
            "type": "domain-name",
            "spec_version": "2.1",
            "id": "domain-name--4c10e93f-798e-5a26-a0c1-08156efab7f5",
            "value": "localhost",
        },
    ],
}


def test_import_export_and_kev(tmp_path: Path, net: Net, cli_session: Session) -> None:
    file = tmp_path / "bundle.json"
    file.write_text(json.dumps(BUNDLE))
    result = runner.invoke(app, ["cyber", "import", str(file), "--as", "ma.analyst", "--tlp", "green"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "1 refused" in result.output
    row = cli_session.scalars(select(CyberIndicator).where(CyberIndicator.value_key == "cli.example")).one()
    assert row.tlp == "green" and row.owner_country == "MA"
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["cyber", "export", "--as", "ma.analyst", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cli.example" in out.read_text()
    event = tmp_path / "event.json"
    assert runner.invoke(app, ["cyber", "misp-export", "--as", "ma.analyst", "--out", str(event)]).exit_code == 0
    result = runner.invoke(app, ["cyber", "misp-import", str(event), "--as", "fr.analyst"])
    assert result.exit_code == 0 and "1 new" in result.output, result.output
    result = runner.invoke(app, ["cyber", "kev-import", "--as", "ma.bureau_officer", "--file", str(SAMPLE)])
    assert result.exit_code == 0 and "23 KEV entries" in result.output, result.output
    assert cli_session.get(KevEntry, "CVE-2025-48384") is not None
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert runner.invoke(app, ["cyber", "import", str(bad), "--as", "ma.analyst"]).exit_code != 0


def test_taxii_feed_add(net: Net, cli_session: Session) -> None:
    url = "http://127.0.0.1:9/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/"
    result = runner.invoke(app, ["cyber", "taxii", "add", "partner", url, "--as", "ma.analyst"])
    assert result.exit_code == 0, result.output
    feed = cli_session.scalars(select(TaxiiFeed)).one()
    assert (feed.name, feed.owner_country, feed.added_after) == ("partner", "MA", None)
    # an unreachable partner: a clear error, nothing stored, the cursor kept
    result = runner.invoke(app, ["cyber", "taxii", "pull", "partner", "--as", "ma.analyst"])
    assert result.exit_code != 0 and "TAXII server error" in result.output
