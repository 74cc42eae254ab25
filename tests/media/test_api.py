"""Media hash-sharing through the API: banks of several members, matching images, videos and hashes across
borders, disabled hashes, feedback to the owner, visibility, and nothing of the probe kept.

FR keeps a propaganda bank shared with all, EG an attack-footage bank shared with MA only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.media.hashing import hash_image, hash_video
from manara.media.index import MediaIndex
from manara.media.models import MediaHash, MediaMatch
from manara.outbox.models import OutboxEvent
from media.imagery import encode, jpeg, picture, video

API = "/api/v1/media"


@pytest.fixture(autouse=True)
def fresh_index(app: Any) -> None:
    """An index per test that reads the outbox at every lookup."""
    app.state.media_index = MediaIndex(refresh_seconds=0)


def make_bank(client: TestClient, headers: dict[str, str], name: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "labels": ["propaganda"], "tlp": "amber", **extra}
    got = client.post(f"{API}/banks", json=body, headers=headers)
    assert got.status_code == 201, got.text
    return dict(got.json())


def add(client: TestClient, headers: dict[str, str], bank_id: str, *hashes: dict[str, Any]) -> dict[str, Any]:
    got = client.post(f"{API}/banks/{bank_id}/hashes", json={"hashes": list(hashes)}, headers=headers)
    assert got.status_code == 201, got.text
    return dict(got.json())


def pdq(seed: int) -> str:
    return hash_image(jpeg(seed)).pdq


def match_file(client: TestClient, headers: dict[str, str], data: bytes, kind: str = "image/jpeg") -> Any:
    return client.post(f"{API}/match", content=data, headers={**headers, "content-type": kind})


def test_an_image_matches_another_members_bank_and_is_reported_to_it(
    client: TestClient, net: Net, session: Session
) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, fr, "FR propaganda")
    added = add(client, fr, bank["id"], {"signal_type": "pdq", "signal": pdq(1), "source": "seized phone, case 17"})
    assert len(added["added"]) == 1
    ma = net.user("MA", Role.FRONTLINE_OFFICER).headers
    # a rotated, smaller, recompressed copy still matches
    copy = encode(picture(1).rotate(90, expand=True).resize((120, 160)), "JPEG", quality=40)
    got = match_file(client, ma, copy)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["probe"]["kind"] == "image" and body["probe"]["quality"] >= 50
    [hit] = body["matches"]
    assert hit["owner_country"] == "FR" and hit["bank_name"] == "FR propaganda" and hit["labels"] == ["propaganda"]
    assert hit["distance"] <= 31 and hit["variant"] != "original" and hit["tlp"] == "amber"
    # the owner sees the report, with feedback pending
    reports = client.get(f"{API}/matches", params={"role": "owner"}, headers=fr).json()
    assert reports["total"] == 1 and reports["items"][0]["querying_country"] == "MA"
    assert reports["items"][0]["sighting"] is None  # the bank does not keep sightings
    assert session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.topic == "media.matched"))
    # a different picture does not match
    assert match_file(client, ma, jpeg(2)).json()["matches"] == []


def test_feedback_reaches_the_owner_who_disables_the_bad_hash(client: TestClient, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, fr, "FR propaganda")
    hash_id = add(client, fr, bank["id"], {"signal_type": "pdq", "signal": pdq(3)})["added"][0]["id"]
    eg = net.user("EG", Role.DUTY_OFFICER).headers
    [hit] = match_file(client, eg, jpeg(3)).json()["matches"]
    # FR cannot answer for EG; EG answers once
    assert (
        client.post(
            f"{API}/matches/{hit['match_id']}/feedback", json={"feedback": "false_positive"}, headers=fr
        ).status_code
        == 404
    )
    given = client.post(
        f"{API}/matches/{hit['match_id']}/feedback",
        json={"feedback": "false_positive", "note": "holiday photo"},
        headers=eg,
    )
    assert given.status_code == 200 and given.json()["feedback"] == "false_positive"
    again = client.post(f"{API}/matches/{hit['match_id']}/feedback", json={"feedback": "true_positive"}, headers=eg)
    assert again.status_code == 409
    seen = client.get(f"{API}/matches/{hit['match_id']}", headers=fr).json()
    assert seen["feedback"] == "false_positive" and seen["feedback_note"] == "holiday photo"
    # the owner disables the hash: it stops matching at once; re-enabled, it matches again
    off = client.post(f"{API}/hashes/{hash_id}/disable", json={"reason": "false positive reported by EG"}, headers=fr)
    assert off.status_code == 200 and off.json()["active"] is False
    assert match_file(client, eg, jpeg(3)).json()["matches"] == []
    assert client.post(f"{API}/hashes/{hash_id}/disable", json={"reason": "again"}, headers=fr).status_code == 409
    assert client.post(f"{API}/hashes/{hash_id}/enable", headers=eg).status_code == 404
    assert client.post(f"{API}/hashes/{hash_id}/enable", headers=fr).status_code == 200
    assert len(match_file(client, eg, jpeg(3)).json()["matches"]) == 1


def test_visibility_is_applied_before_results(client: TestClient, net: Net) -> None:
    eg = net.user("EG", Role.ANALYST).headers
    bank = make_bank(
        client, eg, "EG attack footage", labels=["attack_footage"], visibility="countries", shared_with=["MA"]
    )
    add(client, eg, bank["id"], {"signal_type": "pdq", "signal": pdq(4)})
    ma = net.user("MA", Role.FRONTLINE_OFFICER).headers
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    assert len(match_file(client, ma, jpeg(4)).json()["matches"]) == 1
    assert match_file(client, fr, jpeg(4)).json()["matches"] == []
    assert client.get(f"{API}/banks/{bank['id']}", headers=fr).status_code == 404
    assert client.get(f"{API}/banks/{bank['id']}/export", headers=fr).status_code == 404
    listed = client.get(f"{API}/banks", headers=ma).json()
    assert [b["name"] for b in listed["items"]] == ["EG attack footage"] and listed["items"][0]["hash_count"] == 1
    # an inactive bank matches nobody, and others no longer see it
    client.patch(f"{API}/banks/{bank['id']}", json={"active": False}, headers=eg)
    assert match_file(client, ma, jpeg(4)).json()["matches"] == []
    assert client.get(f"{API}/banks/{bank['id']}", headers=ma).status_code == 404
    # provenance stays with the owner
    client.patch(f"{API}/banks/{bank['id']}", json={"active": True}, headers=eg)
    item = client.get(f"{API}/banks/{bank['id']}/hashes", headers=ma).json()["items"][0]
    assert item["source"] == "" and item["note"] == ""


def test_probe_is_never_stored_unless_the_bank_keeps_sightings(
    client: TestClient, net: Net, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    keeping = make_bank(client, fr, "FR sightings", keep_sightings=True)
    add(client, fr, keeping["id"], {"signal_type": "pdq", "signal": pdq(5)})
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    probe = jpeg(5, quality=70)
    probe_hash = hash_image(probe).pdq
    stranger = jpeg(6)
    stranger_hash = hash_image(stranger)
    assert len(match_file(client, ma, probe).json()["matches"]) == 1
    assert match_file(client, ma, stranger).json()["matches"] == []
    [row] = session.scalars(select(MediaMatch)).all()
    assert row.sighting == probe_hash  # the owner asked for sightings: the hash, never the file
    hashes = set(session.scalars(select(MediaHash.signal)))
    assert stranger_hash.pdq not in hashes and stranger_hash.md5 not in hashes
    audit = " ".join(str(e.query) + str(e.extra) for e in session.scalars(select(AuditEvent)))
    assert stranger_hash.pdq not in audit and stranger_hash.sha256 not in audit and probe_hash not in audit
    assert stranger_hash.pdq not in caplog.text and stranger_hash.sha256 not in caplog.text


def test_exact_copies_match_by_md5_and_sha256(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).headers
    bank = make_bank(client, ma, "MA instructional", labels=["instructional"])
    data = jpeg(7)
    digests = hash_image(data)
    add(client, ma, bank["id"], {"signal_type": "video_md5", "signal": digests.md5.upper()})
    eg = net.user("EG", Role.FRONTLINE_OFFICER).headers
    [hit] = match_file(client, eg, data).json()["matches"]
    assert hit["signal_type"] == "video_md5" and hit["distance"] == 0 and hit["variant"] == "exact"
    by_hash = client.post(f"{API}/match", json={"signal_type": "video_md5", "signal": digests.md5}, headers=eg)
    assert len(by_hash.json()["matches"]) == 1
    by_pdq = client.post(f"{API}/match", json={"signal_type": "pdq", "signal": digests.pdq}, headers=eg)
    assert by_pdq.status_code == 200 and by_pdq.json()["matches"] == []


def test_a_reencoded_video_matches_and_a_different_one_does_not(client: TestClient, net: Net) -> None:
    eg = net.user("EG", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, eg, "EG attack footage", labels=["attack_footage"])
    original = hash_video(video([11, 12, 13, 14]))
    add(client, eg, bank["id"], {"signal_type": "vpdq", "signal": original.signal()})
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    copy = video([11, 12, 13, 14], size=(320, 240), fps=15, bit_rate=500_000)
    got = match_file(client, fr, copy, "video/mp4")
    assert got.status_code == 200, got.text
    [hit] = got.json()["matches"]
    assert hit["signal_type"] == "vpdq" and hit["query_share"] >= 80 and got.json()["probe"]["kind"] == "video"
    other = match_file(client, fr, video([21, 22, 23, 24]), "video/mp4")
    assert other.json()["matches"] == []


def test_import_and_export_in_threatexchange_formats(client: TestClient, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, fr, "FR propaganda")
    frames = hash_video(video([31, 32])).signal()
    csv_text = (
        "collab,signal_type,signal_str,category,tags\n"
        f"Sample,pdq,{pdq(31)},TRUE_POSITIVE,propaganda recruitment\n"
        f'Sample,vpdq,"{frames.replace(chr(34), chr(34) * 2)}",TRUE_POSITIVE,\n'
        f"Sample,pdq,{pdq(32)},NEGATIVE_CLASS,\n"
    )
    got = client.post(f"{API}/banks/{bank['id']}/import", content=csv_text, headers={**fr, "content-type": "text/csv"})
    assert got.status_code == 201, got.text
    assert len(got.json()["added"]) == 2
    again = client.post(
        f"{API}/banks/{bank['id']}/import", content=csv_text, headers={**fr, "content-type": "text/csv"}
    )
    assert again.json()["added"] == [] and again.json()["duplicates"] == 2
    plain = client.post(
        f"{API}/banks/{bank['id']}/import",
        content=f"pdq {pdq(33)}\n{pdq(34)}\n",
        headers={**fr, "content-type": "text/plain"},
    )
    assert len(plain.json()["added"]) == 2
    exported = client.get(f"{API}/banks/{bank['id']}/export", headers=fr)
    lines = exported.text.splitlines()
    assert lines[0] == "collab,signal_type,signal_str,category,tags" and len(lines) == 5
    assert any(line.startswith(f"FR propaganda,pdq,{pdq(31)},TRUE_POSITIVE,propaganda recruitment") for line in lines)
    txt = client.get(f"{API}/banks/{bank['id']}/export", params={"format": "txt"}, headers=fr).text
    assert f"pdq {pdq(34)}" in txt.splitlines()
    # round trip: the export imports into another member's bank
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    mirror = make_bank(client, ma, "MA mirror of FR")
    back = client.post(
        f"{API}/banks/{mirror['id']}/import", content=exported.text, headers={**ma, "content-type": "text/csv"}
    )
    assert len(back.json()["added"]) == 4


BAD_HASHES = [
    ({"signal_type": "pdq", "signal": "ab" * 31}, "64"),
    ({"signal_type": "pdq", "signal": "zz" * 32}, "64"),
    ({"signal_type": "pdq", "signal": "0" * 64}, "blank"),
    ({"signal_type": "pdq", "signal": "1f" * 32, "quality": 20}, "quality"),
    ({"signal_type": "vpdq", "signal": '["nothash-nothash-nothash,1,0.0", "x,1,1.0"]'}, "vpdq"),
    ({"signal_type": "vpdq", "signal": "[" + ",".join(['"' + "1f" * 32 + ',10,0.0"'] * 3) + "]"}, "quality"),
    ({"signal_type": "video_md5", "signal": "ab" * 32}, "32"),
    ({"signal_type": "tmk", "signal": "ab" * 32}, ""),
]


@pytest.mark.parametrize(("item", "word"), BAD_HASHES)
def test_bad_hashes_are_refused_and_nothing_is_added(
    client: TestClient, net: Net, session: Session, item: dict[str, Any], word: str
) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, fr, "FR propaganda")
    good = {"signal_type": "pdq", "signal": pdq(40)}
    got = client.post(f"{API}/banks/{bank['id']}/hashes", json={"hashes": [good, item]}, headers=fr)
    assert got.status_code == 422, got.text
    assert word in got.text
    assert session.scalar(select(func.count()).select_from(MediaHash)) == 0


def test_bad_uploads_get_clear_errors(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.FRONTLINE_OFFICER).headers
    data = jpeg(8)
    truncated = match_file(client, ma, data[: len(data) // 2])
    assert truncated.status_code == 422 and "corrupt" in truncated.json()["error"]["details"]["reasons"]
    bomb = Image.new("L", (12000, 12000))
    bomb_png = io.BytesIO()
    bomb.save(bomb_png, "PNG", optimize=True)
    big = match_file(client, ma, bomb_png.getvalue(), "image/png")
    assert big.status_code == 422 and big.json()["error"]["details"]["reasons"] == ["too_many_pixels"]
    flat = match_file(client, ma, encode(Image.new("RGB", (200, 200), (90, 90, 90)), "PNG"), "image/png")
    assert flat.status_code == 422 and flat.json()["error"]["details"]["reasons"] == ["low_quality"]
    clip = video([1, 2])
    broken = match_file(client, ma, clip[: len(clip) // 3], "video/mp4")
    assert broken.status_code == 422
    noise = match_file(client, ma, b"\x00\x01garbage" * 50, "video/mp4")
    assert noise.status_code == 422
    empty = match_file(client, ma, b"", "image/jpeg")
    assert empty.status_code == 422
    assert (
        client.post(
            f"{API}/match", content=b"{not json", headers={**ma, "content-type": "application/json"}
        ).status_code
        == 422
    )
    wrong = client.post(f"{API}/match", json={"signal_type": "pdq", "signal": 12}, headers=ma)
    assert wrong.status_code == 422
    short = client.post(f"{API}/match", json={"signal_type": "pdq", "signal": "ab" * 20}, headers=ma)
    assert short.status_code == 422
    assert client.post(f"{API}/match", content=b"x", headers={**ma, "content-type": "text/html"}).status_code == 415
    huge = match_file(client, ma, b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))
    assert huge.status_code == 413


def test_bank_input_is_validated(client: TestClient, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    make_bank(client, fr, "FR propaganda")
    assert client.post(f"{API}/banks", json={"name": "FR propaganda"}, headers=fr).status_code == 409
    cases: list[dict[str, Any]] = [
        {"name": "x", "labels": ["cats"]},
        {"name": "x", "tlp": "purple"},
        {"name": "x", "visibility": "countries", "shared_with": ["QQ"]},
        {"name": "x", "visibility": "countries", "shared_with": []},
        {"name": "   "},
        {"name": "x", "surprise": 1},
        {"name": 5},
    ]
    for body in cases:
        assert client.post(f"{API}/banks", json=body, headers=fr).status_code == 422, body
    hostile = client.post(f"{API}/banks", json={"name": "Bank\u202e\u0000 evil\u200b"}, headers=fr)
    assert hostile.status_code in (201, 422)
    if hostile.status_code == 201:
        assert "\u202e" not in hostile.json()["name"] and "\x00" not in hostile.json()["name"]
    strict = client.post(f"{API}/banks", json={"name": "strict", "tlp": "amber+strict"}, headers=fr)
    assert strict.status_code == 201 and strict.json()["tlp"] == "amber+strict"


def test_routes_by_role(client: TestClient, net: Net) -> None:
    owner = net.user("FR", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, owner, "FR propaganda")
    hash_id = add(client, owner, bank["id"], {"signal_type": "pdq", "signal": pdq(9)})["added"][0]["id"]
    expect = {
        Role.FRONTLINE_OFFICER: (403, 200, 200, 404),
        Role.BUREAU_OFFICER: (201, 200, 200, 404),
        Role.REVIEWER: (403, 403, 403, 404),
        Role.ANALYST: (201, 200, 200, 404),
        Role.DUTY_OFFICER: (403, 200, 200, 404),
        Role.ADMINISTRATOR: (403, 403, 403, 404),
    }
    for role, (create, listing, matching, disable) in expect.items():
        headers = net.user("MA", role).headers
        got = (
            client.post(f"{API}/banks", json={"name": f"b-{role.value}"}, headers=headers).status_code,
            client.get(f"{API}/banks", headers=headers).status_code,
            client.post(f"{API}/match", json={"signal_type": "pdq", "signal": pdq(9)}, headers=headers).status_code,
            client.post(f"{API}/hashes/{hash_id}/disable", json={"reason": "x"}, headers=headers).status_code,
        )
        assert got == (create, listing, matching, disable), role
    # within the owner's country, only keepers of banks change them
    fr_front = net.user("FR", Role.FRONTLINE_OFFICER).headers
    assert client.post(f"{API}/hashes/{hash_id}/disable", json={"reason": "x"}, headers=fr_front).status_code == 404
    assert client.patch(f"{API}/banks/{bank['id']}", json={"tlp": "red"}, headers=fr_front).status_code == 404
    assert client.get(f"{API}/banks", headers={}).status_code == 401
    assert client.post(f"{API}/match", content=jpeg(9), headers={"content-type": "image/jpeg"}).status_code == 401


def test_a_file_added_to_a_bank_matches_its_cropped_and_captioned_reposts(
    client: TestClient, net: Net, session: Session
) -> None:
    from PIL import ImageDraw

    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, ma, "MA instructional", labels=["instructional"])
    original = picture(80)
    added = client.post(
        f"{API}/banks/{bank['id']}/files",
        content=encode(original, "PNG"),
        params={"labels": ["instructional"], "source": "forum post 2291"},
        headers={**ma, "content-type": "image/png"},
    )
    assert added.status_code == 201, added.text
    kinds = sorted(h["signal_type"] for h in added.json()["added"])
    assert kinds == ["pdq", "pdq", "pdq", "sha256", "video_md5"]
    width, height = original.size
    cropped = original.crop((width // 20, height // 20, width - width // 20, height - height // 20))
    captioned = Image.new("RGB", (width, height * 6 // 5), (10, 10, 10))
    captioned.paste(original, (0, 0))
    ImageDraw.Draw(captioned).text((8, height + 8), "JOIN US", fill=(255, 255, 255))
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    for copy in (cropped, captioned):
        hits = match_file(client, fr, encode(copy, "JPEG", quality=70)).json()["matches"]
        assert hits and all(h["bank_name"] == "MA instructional" for h in hits)
    assert session.scalar(select(func.count()).select_from(MediaHash)) == 5
    wrong = client.post(f"{API}/banks/{bank['id']}/files", content=b"x", headers={**ma, "content-type": "text/plain"})
    assert wrong.status_code == 415
    other = client.post(
        f"{API}/banks/{bank['id']}/files", content=jpeg(81), headers={**fr, "content-type": "image/jpeg"}
    )
    assert other.status_code == 404


def test_a_stale_bank_update_is_refused(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    bank = make_bank(client, ma, "MA conditional")
    tag = client.get(f"{API}/banks/{bank['id']}", headers=ma).headers["ETag"]
    first = client.patch(f"{API}/banks/{bank['id']}", json={"tlp": "amber+strict"}, headers={**ma, "If-Match": tag})
    assert first.status_code == 200 and first.json()["tlp"] == "amber+strict"
    stale = client.patch(f"{API}/banks/{bank['id']}", json={"tlp": "clear"}, headers={**ma, "If-Match": tag})
    assert stale.status_code == 412 and stale.json()["error"]["details"]["etag"] == first.headers["ETag"]
    assert client.get(f"{API}/banks/{bank['id']}", headers=ma).json()["tlp"] == "amber+strict"
