"""`manara media hash` and `manara media scan`: seized media hashed on worker processes, matched, resumable."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import unit_of_work
from manara.media import actions
from manara.media.hashing import hash_image, hash_video
from manara.media.models import MediaMatch
from manara.media.schemas import BankIn, HashIn
from media.imagery import encode, jpeg, picture, video

runner = CliRunner()


def test_scan_matches_a_seized_folder_and_resumes(db: Path) -> None:
    from manara.cli.common import user_actor

    with unit_of_work() as session:
        owner = user_actor(session, "fr.bo")
        bank = actions.do_create_bank(session, owner, BankIn(name="FR propaganda", labels=["propaganda"]))
        actions.do_add_hashes(
            session,
            owner,
            bank,
            [
                HashIn(signal_type="pdq", signal=hash_image(jpeg(60)).pdq),
                HashIn(signal_type="vpdq", signal=hash_video(video([61, 62, 63])).signal()),
            ],
        )
    seized = db / "seized" / "phone" / "DCIM"
    seized.mkdir(parents=True)
    (seized / "a.jpg").write_bytes(encode(picture(60).rotate(180), "JPEG", quality=50))
    (seized / "b.png").write_bytes(encode(picture(64), "PNG"))
    (seized / "broken.jpg").write_bytes(jpeg(65)[:300])
    (seized / "clip.mp4").write_bytes(video([61, 62, 63], size=(240, 180)))
    (seized / "notes.txt").write_text("not media")
    before = {p: p.read_bytes() for p in seized.iterdir()}
    out = db / "report.tsv"
    args = ["media", "scan", str(db / "seized"), "--as", "ma.fo", "--output", str(out), "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in out.read_text().splitlines()[1:]]
    assert sorted((Path(r[0]).name, r[2], r[3], r[5]) for r in rows) == [
        ("a.jpg", "FR propaganda", "FR", "pdq"),
        ("clip.mp4", "FR propaganda", "FR", "vpdq"),
    ]
    assert "broken.jpg" in result.output and "1 refused" in result.output
    assert {p: p.read_bytes() for p in seized.iterdir()} == before  # read only, nothing copied
    written = {p.name for p in db.iterdir()} - {"cli.db", "cli.db-shm", "cli.db-wal", "cli.db.writer-lock", "seized"}
    assert written == {"report.tsv", "report.tsv.state.jsonl"}
    with unit_of_work() as session:
        assert len(session.scalars(select(MediaMatch)).all()) == 2
    again = runner.invoke(app, [*args, "--no-report"])
    assert again.exit_code == 0 and "4 already hashed" in again.output
    hashed = runner.invoke(app, ["media", "hash", str(seized / "a.jpg"), "--workers", "1"])
    assert hashed.exit_code == 0 and "\tpdq\t" in hashed.output
