"""Demo of media hash-sharing: three members' banks (FR propaganda, EG attack footage, MA instructional
material) filled with hashes of generated pictures and a generated video, and matches made across borders by
other members (a rotated re-post, a re-encoded clip, a framed copy) with their feedback; one false positive is
disabled by its owner. Only hashes are kept, as in real use; the pictures are drawn here and dropped."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageOps
from sqlalchemy.orm import Session

from manara.db.session import unit_of_work
from manara.identity import Actor, Role
from manara.media import actions, service
from manara.media.access import access_hash_for_owner
from manara.media.hashing import Frame, hash_image, vpdq_signal
from manara.media.index import MediaIndex
from manara.media.schemas import BankIn, HashIn
from manara.member.service import get_user_by_username


def _actor(session: Session, country: str, role: Role) -> Actor:
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def picture(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A distinct structured picture standing in for a propaganda poster or a video still."""
    rng = random.Random(seed)  # noqa: S311 - drawing, not security
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack(
        [
            np.sin(x / rng.uniform(12, 60) + rng.uniform(0, 6)) * 60 + 120,
            np.cos(y / rng.uniform(12, 60) + rng.uniform(0, 6)) * 60 + 120,
            (x + y) / (width + height) * 200,
        ],
        axis=2,
    ).astype(np.uint8)
    image = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        box = (x0, y0, x0 + rng.randrange(30, width // 2), y0 + rng.randrange(30, height // 2))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    return image


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def load(seed: int) -> str:
    """Load the media demo; return its summary."""
    base = seed * 1000 + 700
    banks: dict[str, str] = {}
    hashes: dict[str, list[str]] = {}
    with unit_of_work() as session:
        plan = [
            ("FR", "FR propaganda", ["propaganda", "recruitment"], "amber", "all", [], False, range(0, 12)),
            (
                "EG",
                "EG attack footage",
                ["attack_footage", "graphic_violence"],
                "red",
                "countries",
                ["MA", "DZ", "TN", "FR"],
                True,
                range(12, 20),
            ),  # fmt: skip
            ("MA", "MA instructional material", ["instructional"], "amber+strict", "all", [], False, range(20, 28)),
        ]
        for country, name, labels, tlp, visibility, shared, sightings, seeds in plan:
            owner = _actor(session, country, Role.BUREAU_OFFICER)
            bank = actions.do_create_bank(
                session,
                owner,
                BankIn.model_validate(
                    {
                        "name": name,
                        "labels": labels,
                        "tlp": tlp,
                        "visibility": visibility,
                        "shared_with": shared,
                        "keep_sightings": sightings,
                        "description": f"Hashes kept by NCB {country}.",
                    }  # fmt: skip
                ),
            )
            items = [
                HashIn.model_validate(
                    {
                        "signal_type": "pdq",
                        "signal": hash_image(_jpeg(picture(base + s))).pdq,
                        "source": f"referral {country}-{2026_0000 + s}",
                    }  # fmt: skip
                )
                for s in seeds
            ]
            if country == "EG":  # an attack video: one PDQ per second of its frames (vPDQ)
                frames = [Frame(hash_image(_jpeg(picture(base + 90 + t))).pdq, 100, float(t)) for t in range(6)]
                items.append(HashIn.model_validate({"signal_type": "vpdq", "signal": vpdq_signal(frames),
                                                    "source": "livestream capture"}))  # fmt: skip
            rows, _ = actions.do_add_hashes(session, owner, bank, items)
            banks[country], hashes[country] = bank.id, [r.id for r in rows]
    matches = feedback = 0
    with unit_of_work() as session:
        index = MediaIndex()
        index.ensure(session)
        probes = [
            ("DZ", Role.FRONTLINE_OFFICER, _jpeg(picture(base + 3).rotate(90, expand=True), 40), "true_positive"),
            (
                "TN",
                Role.DUTY_OFFICER,
                _jpeg(ImageOps.mirror(picture(base + 14)).resize((240, 180)), 50),
                "true_positive",
            ),
            ("ES", Role.BUREAU_OFFICER, _jpeg(ImageOps.expand(picture(base + 5), 60, fill=(0, 0, 0))), None),
            ("FR", Role.ANALYST, _jpeg(picture(base + 22).convert("L")), "false_positive"),
        ]
        for country, role, data, verdict in probes:
            actor = _actor(session, country, role)
            probe = service.probe_from_file(data)
            found = service.find_matches(session, actor, index, probe)
            reports = actions.do_record_matches(session, actor, probe, found, f"NCB {country} referral")
            matches += len(reports)
            for row in reports:
                if verdict is not None:
                    note = "hash of a public safety leaflet" if verdict == "false_positive" else ""
                    actions.do_give_feedback(session, actor, row, verdict, note)
                    feedback += 1
                    if verdict == "false_positive":
                        owner = _actor(session, row.owner_country, Role.BUREAU_OFFICER)
                        bad = access_hash_for_owner(session, owner, row.hash_id)
                        actions.do_disable_hash(session, owner, bad, f"false positive reported by {country}")
        video_probe = service.probe_from_hash(
            "vpdq",  # type: ignore[arg-type]
            vpdq_signal(
                [
                    Frame(hash_image(_jpeg(picture(base + 90 + t).resize((320, 240)), 45)).pdq, 100, float(t))
                    for t in range(1, 5)
                ]
            ),  # fmt: skip
        )
        actor = _actor(session, "MA", Role.ANALYST)
        found = service.find_matches(session, actor, index, video_probe)
        matches += len(actions.do_record_matches(session, actor, video_probe, found, "seized phone, Casablanca"))
    total = sum(len(v) for v in hashes.values())
    return f"{len(banks)} media banks, {total} hashes, {matches} media matches ({feedback} with feedback)"
