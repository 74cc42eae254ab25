"""Benchmark of the drone domain (issue 16), four parts, each beside an anchor measured in the same run:

1. Decoding the three real captures of ``../shared/data/drones/remote-id/``. The anchor is a line-by-line
   port of the Open Drone ID Wireshark dissector shipped with them (``opendroneid-dissector.lua``: its fixed
   offsets, ``findMessageOffset`` and ``odid_messageSubTree``); every raw field of every message our decoder
   returns is compared with the port's. (Debian's tshark is not installed here, so the Lua file is read
   through this port, not run.) Frames the sniffer marked with a bad CRC are refused by our decoder; the
   dissector does not look at the CRC and decodes them: they are counted apart.
2. Ingest: message packs of 50 drones over 100 prison zones posted in batches of 500 through
   ``do_ingest_batch`` into a fresh SQLite database (tracks, points, identifiers, flags, breaches, incidents,
   evidence, audit). Anchor: a bare executemany of the same raw rows into ``drone_message``.
3. Geofences: 1,000,000 positions against 30,000 zones (32-vertex circles of 0.3 to 5 km) with the zone
   index (``geo.ZoneIndex``). Anchor: brute force (every zone's bounding box, then the exact test) on a
   sample, extrapolated.
4. A breach on the live feed: from posting a batch that enters a zone to the ``drone.breach`` event reaching a
   subscriber of the process's outbox tailer. Anchor: the tailer's poll interval.

    .venv/bin/python benchmarks/drone.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_path  # noqa: E402

CAPTURES = ("odid_wifi_sample.pcap", "odid_wifi_bcn_sample.pcap", "odid_bt5_lr_sample.pcapng")


# ------------------------------------------------------------------------------------- the dissector, ported


def dissector_find(buf: bytes) -> tuple[int, int]:  # noqa: C901 - a line-by-line port, kept in one piece
    """``findMessageOffset`` of opendroneid-dissector.lua: (start of the message counter, protocol length)."""
    n = len(buf)
    fto = buf[2]
    if buf[3] == 3:
        fto = 0x11
    elif int.from_bytes(buf[4:8], "little") == 0x8E89BED6:
        fto = 0x0A
    elif buf[0:2] == b"\x04\x3e":
        fto = 0
    elif buf[28:30] == b"\x2b\x02":
        fto = 0x1C
    if fto > n - (25 - 4):
        return 0, 0
    fc_low = buf[fto]
    if fc_low == 0x80:
        bp = fto + 0x24
        while bp < n - 30:
            if buf[bp] == 221 and buf[bp + 2 : bp + 5] in (b"\xfa\x0b\xbc", b"\x90\x3a\xe6") and buf[bp + 5] == 0x0D:
                return bp + 6, buf[bp + 1] - 4
            bp += buf[bp + 1] + 2
        return 0, 0
    if fc_low == 0xD0:
        if buf[fto + 0x18 : fto + 0x18 + 6] == bytes.fromhex("04 09 50 6f 9a 13"):
            bp = fto + 0x1E
            if buf[bp + 3 : bp + 9] == bytes.fromhex("88 69 19 9d 92 09"):
                return bp + 13, buf[bp + 12]
        return 0, 0
    if int.from_bytes(buf[fto : fto + 4], "little") == 0x8E89BED6:
        adder = 0
        if buf[fto + 4] & 0x0F == 0:
            adv_type, adder = buf[fto + 5] & 0x0F, 5
        else:
            adv_type = buf[fto + 4] & 0x0F
        if adv_type in (0x2, 0x6, 0x7):
            if (
                buf[fto + 13 + adder] == 0x16
                and int.from_bytes(buf[fto + 14 + adder : fto + 16 + adder], "little") == 0xFFFA
            ):
                if buf[fto + 16 + adder] == 0x0D:
                    return fto + 17 + adder, buf[fto + 12 + adder] - 4
    return 0, 0


def dissector_fields(buf: bytes, s: int) -> dict[str, Any]:
    """``odid_messageSubTree``: the raw fields the dissector shows for the message at ``s``."""
    t = buf[s] >> 4

    def u8(o: int) -> int:
        return buf[s + o]

    def le(o: int, size: int, signed: bool = False) -> int:
        return int.from_bytes(buf[s + o : s + o + size], "little", signed=signed)

    f: dict[str, Any] = {"type": t, "version": buf[s] & 0x0F}
    if t == 0:
        f |= {"id_type": u8(1) >> 4, "ua_type": u8(1) & 0x0F, "id": buf[s + 2 : s + 22]}
    elif t == 1:
        f |= {
            "status": u8(1) >> 4,
            "flags": u8(1) & 0x0F,
            "direction": u8(2),
            "speed": u8(3),
            "vspeed": le(4, 1, True),
            "lat": le(5, 4, True),
            "lon": le(9, 4, True),
            "press_alt": le(13, 2),
            "geo_alt": le(15, 2),
            "height": le(17, 2),
            "h_acc": u8(19) & 0x0F,
            "v_acc": u8(19) >> 4,
            "baro_acc": u8(20) >> 4,
            "speed_acc": u8(20) & 0x0F,
            "timestamp": le(21, 2),
            "ts_acc": u8(23) & 0x0F,
        }
    elif t == 2:
        f |= {"auth_type": u8(1) >> 4, "page": u8(1) & 0x0F}
        if u8(1) & 0x0F == 0:
            f |= {"last_page": u8(2), "length": u8(3), "timestamp": le(4, 4), "data": buf[s + 8 : s + 25]}
        else:
            f |= {"data": buf[s + 2 : s + 25]}
    elif t == 3:
        f |= {"desc_type": u8(1), "desc": buf[s + 2 : s + 25]}
    elif t == 4:
        f |= {
            "class_type": (u8(1) >> 2) & 0x07,
            "loc_type": u8(1) & 0x03,
            "op_lat": le(2, 4, True),
            "op_lon": le(6, 4, True),
            "area_count": le(10, 2),
            "area_radius": u8(12),
            "ceiling": le(13, 2),
            "floor": le(15, 2),
            "ua_class": u8(17),
            "op_alt": le(18, 2),
            "timestamp": le(20, 4),
        }
    elif t == 5:
        f |= {"op_id_type": u8(1), "op_id": buf[s + 2 : s + 22]}
    return f


def dissector_messages(buf: bytes) -> list[dict[str, Any]]:
    """Every message the dissector shows in a frame (a pack's parts as it walks them)."""
    if len(buf) < 0x21 + 25:
        return []
    start, proto_len = dissector_find(buf)
    if start == 0:
        return []
    if buf[start + 1] >> 4 == 15:
        size, qty = buf[start + 2], buf[start + 3]
        out = []
        for n in range(qty):
            ms = start + 4 + n * size
            if ms + size > start + proto_len or size == 0:
                break
            out.append(dissector_fields(buf, ms))
        return out
    return [dissector_fields(buf, start + 1)]


def ours_fields(m: Any) -> dict[str, Any]:
    """Our decoder's raw values under the dissector's names."""
    from manara.drone import odid

    f: dict[str, Any] = {"type": int(m.type), "version": m.version}
    if isinstance(m, odid.BasicId):
        f |= {"id_type": m.id_type, "ua_type": m.ua_type, "id": m.uas_id_raw}
    elif isinstance(m, odid.Location):
        f |= {
            "status": m.status,
            "flags": m.flags,
            "direction": m.direction_raw,
            "speed": m.speed_raw,
            "vspeed": m.vspeed_raw,
            "lat": m.lat_raw,
            "lon": m.lon_raw,
            "press_alt": m.pressure_alt_raw,
            "geo_alt": m.geodetic_alt_raw,
            "height": m.height_raw,
            "h_acc": m.accuracy_vh & 0x0F,
            "v_acc": m.accuracy_vh >> 4,
            "baro_acc": m.accuracy_bs >> 4,
            "speed_acc": m.accuracy_bs & 0x0F,
            "timestamp": m.timestamp_raw,
            "ts_acc": m.timestamp_accuracy_byte & 0x0F,
        }
    elif isinstance(m, odid.Auth):
        f |= {"auth_type": m.auth_type, "page": m.page, "data": m.data}
        if m.page == 0:
            f |= {"last_page": m.last_page_index, "length": m.length, "timestamp": m.timestamp}
    elif isinstance(m, odid.SelfId):
        f |= {"desc_type": m.description_type, "desc": m.description_raw}
    elif isinstance(m, odid.System):
        f |= {
            "class_type": m.classification_type,
            "loc_type": m.flags & 0x03,
            "op_lat": m.operator_lat_raw,
            "op_lon": m.operator_lon_raw,
            "area_count": m.area_count,
            "area_radius": m.area_radius_raw,
            "ceiling": m.area_ceiling_raw,
            "floor": m.area_floor_raw,
            "ua_class": m.ua_class_byte,
            "op_alt": m.operator_alt_raw,
            "timestamp": m.timestamp,
        }
    elif isinstance(m, odid.OperatorId):
        f |= {"op_id_type": m.id_type, "op_id": m.operator_id_raw}
    return f


def frames(data: bytes) -> list[bytes]:
    """The raw frames of a pcap or pcapng file (what the dissector receives)."""
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        off = 0
        while off < len(data):
            btype, blen = struct.unpack_from("<II", data, off)
            if btype == 6:
                caplen = struct.unpack_from("<I", data, off + 20)[0]
                out.append(data[off + 28 : off + 28 + caplen])
            off += blen
    else:
        off = 24
        while off < len(data):
            incl = struct.unpack_from("<I", data, off + 8)[0]
            out.append(data[off + 16 : off + 16 + incl])
            off += 16 + incl
    return out


def bench_captures(rounds: int) -> None:
    from manara.drone import odid

    print("## 1. the three captures against the dissector")
    total_ours = total_ref = equal = crc_refused = crc_msgs_dissector = 0
    t_ours = t_ref = 0.0
    for name in CAPTURES:
        data = shared_path("data", "drones", "remote-id", name).read_bytes()
        raw_frames = frames(data)
        t0 = time.perf_counter()
        for _ in range(rounds):
            records = list(odid.read_capture(data))
        t_ours += time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(rounds):
            ref = [dissector_messages(f) for f in raw_frames]
        t_ref += time.perf_counter() - t0
        n_ours = n_ref = n_eq = 0
        for rec, ref_msgs in zip(records, ref, strict=True):
            if rec.error is not None:
                crc_refused += 1
                crc_msgs_dissector += len(ref_msgs)
                continue
            n_ref += len(ref_msgs)
            ours = [ours_fields(m) for m in odid.flatten(rec.received.message)] if rec.received else []
            n_ours += len(ours)
            n_eq += sum(1 for a, b in zip(ours, ref_msgs, strict=False) if a == b)
        total_ours, total_ref, equal = total_ours + n_ours, total_ref + n_ref, equal + n_eq
        print(
            f"{name}: {len(raw_frames)} frames, dissector {n_ref} messages, ours {n_ours}, "
            f"every raw field equal: {n_eq}"
        )
    print(
        f"total: {total_ours}/{total_ref} messages decoded ({100 * total_ours / max(total_ref, 1):.1f}%), "
        f"{equal} with every field equal ({100 * equal / max(total_ref, 1):.1f}%); {crc_refused} frames with a "
        f"bad CRC refused (the dissector shows {crc_msgs_dissector} messages from them)"
    )
    msgs = total_ours * rounds
    print(
        f"speed: ours {msgs / t_ours:,.0f} messages/s (frames parsed, structure checked) | anchor, the "
        f"dissector's offsets ported to Python: {msgs / t_ref:,.0f} messages/s"
    )


# ------------------------------------------------------------------------------------- ingest


def bench_ingest(total: int, batch: int) -> None:
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from manara.db.base import new_id
    from manara.db.migrate import upgrade
    from manara.db.session import make_engine
    from manara.drone import actions
    from manara.drone.geo import circle
    from manara.drone.models import DroneIncident, DroneMessage, DroneReceiver, ZoneKind
    from manara.drone.odid import BasicId, Location, MessagePack, OperatorId, System
    from manara.drone.schemas import BatchIn, GeofenceIn, MessageIn, ReceiverIn
    from manara.identity import Actor, Role
    from manara.member import actions as member_actions

    print(f"\n## 2. ingest: {total:,} message packs, batches of {batch}")
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'drone.db'}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    rng = random.Random(16)  # noqa: S311
    with Session(engine) as session, session.begin():
        member_actions.do_create_member(session, "MA", acting=system)
        user = member_actions.do_create_user(session, "ma.duty", country="MA", role=Role.DUTY_OFFICER, acting=system)
        actor = Actor(user_id=user.id, username=user.username, country="MA", role=Role.DUTY_OFFICER)
        rx = actions.do_register_receiver(session, actor, ReceiverIn(name="mast", latitude=34.0, longitude=-6.8))
        for i in range(100):
            lat, lon = 33.5 + rng.random(), -7.5 + rng.random() * 1.5
            actions.do_create_geofence(
                session,
                actor,
                GeofenceIn(name=f"prison {i}", kind=ZoneKind.PRISON, country="MA", geometry=circle(lat, lon, 500)),
            )
        rx_id = rx.id
    t0 = datetime(2026, 12, 4, 12, tzinfo=UTC)
    drones = [(f"1581F5FJD{i:07d}", 33.5 + rng.random(), -7.5 + rng.random() * 1.5) for i in range(50)]
    items = []
    for k in range(total):
        serial, lat, lon = drones[k % 50]
        step = k // 50
        p = (lat + step * 2e-5, lon + step * 2e-5)
        pack = MessagePack(
            2,
            (
                BasicId.build(serial),
                Location.build(latitude=p[0], longitude=p[1], speed=8, direction=45, geodetic_altitude=90),
                System.build(operator_latitude=lat, operator_longitude=lon),
                OperatorId.build(f"MAR-OP-{k % 50:04d}"),
            ),
        )
        items.append(
            MessageIn(
                received_at=t0 + timedelta(seconds=step),
                payload=pack.encode().hex(),
                transport="bt_long_range",
                source=f"aa:00:00:00:00:{k % 50:02x}",
            )
        )
    start = time.perf_counter()
    for i in range(0, total, batch):
        with Session(engine) as session, session.begin():
            receiver = session.get(DroneReceiver, rx_id)
            assert receiver is not None
            actions.do_ingest_batch(session, actor, receiver, BatchIn(receiver_id=rx_id, messages=items[i : i + batch]))
    elapsed = time.perf_counter() - start
    with Session(engine) as session:
        incidents = session.query(DroneIncident).count()
    rows = [
        {
            "id": new_id(),
            "receiver_id": rx_id,
            "owner_country": "MA",
            "received_at": m.received_at + timedelta(days=1),
            "transport": m.transport,
            "source": m.source,
            "rssi": None,
            "msg_type": 15,
            "payload": bytes.fromhex(m.payload),
            "sha256": new_id(),
            "track_id": None,
            "expires_at": m.received_at + timedelta(days=4),
        }
        for m in items
    ]
    start = time.perf_counter()
    for i in range(0, total, batch):
        with Session(engine) as session, session.begin():
            session.execute(insert(DroneMessage), rows[i : i + batch])
    anchor = time.perf_counter() - start
    print(
        f"ingest: {total / elapsed:,.0f} packs/s ({total * 4 / elapsed:,.0f} messages/s; {incidents} incidents "
        f"opened) | anchor, bare insert of the raw rows: {total / anchor:,.0f} rows/s"
    )
    engine.dispose()


# ------------------------------------------------------------------------------------- geofences


def bench_zones(points: int, zones: int) -> None:
    import numpy as np
    import shapely

    from manara.drone.geo import Zone, ZoneIndex, circle, parse_zone

    print(f"\n## 3. geofences: {points:,} positions against {zones:,} zones")
    rng = np.random.default_rng(16)
    lats, lons = rng.uniform(20, 50, zones), rng.uniform(-15, 40, zones)
    radii = rng.uniform(300, 5000, zones)
    t0 = time.perf_counter()
    geoms = [
        parse_zone(circle(float(a), float(o), float(r), points=32)) for a, o, r in zip(lats, lons, radii, strict=True)
    ]
    meta = [Zone(str(i), "MA", "all", (), None, None, None, None) for i in range(zones)]
    index = ZoneIndex(meta, geoms)
    build = time.perf_counter() - t0
    # a third of the positions near zone centres, the rest anywhere in the area
    near = points // 3
    idx = rng.integers(0, zones, near)
    plat = np.concatenate([lats[idx] + rng.normal(0, 0.02, near), rng.uniform(20, 50, points - near)])
    plon = np.concatenate([lons[idx] + rng.normal(0, 0.02, near), rng.uniform(-15, 40, points - near)])
    t0 = time.perf_counter()
    pairs = index.query(plon, plat)
    elapsed = time.perf_counter() - t0
    sample = 200
    bounds = np.array([g.bounds for g in geoms])
    t0 = time.perf_counter()
    brute = 0
    for i in range(sample):
        x, y = plon[i], plat[i]
        cand = np.nonzero((bounds[:, 0] <= x) & (x <= bounds[:, 2]) & (bounds[:, 1] <= y) & (y <= bounds[:, 3]))[0]
        brute += sum(1 for c in cand if shapely.contains_xy(geoms[c], x, y))
    brute_time = (time.perf_counter() - t0) / sample * points
    got_sample = int(np.count_nonzero(pairs[0] < sample))
    print(
        f"index built in {build:.2f} s; query {elapsed:.3f} s ({points / elapsed:,.0f} positions/s), "
        f"{pairs.shape[1]:,} position-zone hits (sample of {sample}: {got_sample} = brute force {brute}) | "
        f"anchor, brute force extrapolated: {brute_time:.1f} s"
    )


def bench_breach_latency(breaches: int) -> None:
    """Time from posting a batch that enters a zone to the ``drone.breach`` event reaching a live-feed
    subscriber of the process's outbox tailer (``live/hub.py``, polling every ``live_poll_seconds``)."""
    import asyncio
    import contextlib
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from manara.db.migrate import upgrade
    from manara.db.session import make_engine
    from manara.drone import actions
    from manara.drone.geo import circle
    from manara.drone.models import DroneReceiver, ZoneKind
    from manara.drone.odid import BasicId, Location, MessagePack
    from manara.drone.schemas import BatchIn, GeofenceIn, MessageIn, ReceiverIn
    from manara.identity import Actor, Role
    from manara.live.hub import FeedHub
    from manara.member import actions as member_actions
    from manara.settings import get_settings

    print(f"\n## 4. breach on the live feed: {breaches} breaches, one batch each")
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'live.db'}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with Session(engine) as session, session.begin():
        member_actions.do_create_member(session, "MA", acting=system)
        user = member_actions.do_create_user(session, "ma.duty", country="MA", role=Role.DUTY_OFFICER, acting=system)
        actor = Actor(user_id=user.id, username=user.username, country="MA", role=Role.DUTY_OFFICER)
        rx_id = actions.do_register_receiver(session, actor, ReceiverIn(name="mast", latitude=34, longitude=-6.3)).id
        actions.do_create_geofence(
            session,
            actor,
            GeofenceIn(name="Tiflet", kind=ZoneKind.PRISON, country="MA", geometry=circle(33.901, -6.307, 450)),
        )

    @contextlib.contextmanager
    def factory() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    def post(i: int) -> None:
        t0 = datetime(2026, 12, 4, 12, tzinfo=UTC) + timedelta(minutes=i)
        items = [
            MessageIn(
                received_at=t0 + timedelta(seconds=k * 10),
                transport="bt_long_range",
                source=f"aa:bb:{i:02x}:00:00:01",
                payload=MessagePack(
                    2,
                    (
                        BasicId.build(f"LIVE{i:06d}"),
                        Location.build(latitude=33.905 - k * 0.002, longitude=-6.307, speed=8, direction=180),
                    ),
                )
                .encode()
                .hex(),
            )
            for k in range(3)
        ]
        with Session(engine) as session, session.begin():
            receiver = session.get(DroneReceiver, rx_id)
            assert receiver is not None
            out = actions.do_ingest_batch(session, actor, receiver, BatchIn(receiver_id=rx_id, messages=items))
            assert out.breaches, "the flight should enter the zone"

    async def run() -> list[float]:
        hub = FeedHub(factory, get_settings().live_poll_seconds, 1000)
        sub = await hub.subscribe()
        delays = []
        for i in range(breaches):
            start = time.perf_counter()
            await asyncio.to_thread(post, i)
            while True:
                event = await asyncio.wait_for(sub.queue.get(), timeout=30)
                if event.topic == "drone.breach":
                    break
            delays.append(time.perf_counter() - start)
        hub.unsubscribe(sub)
        return delays

    delays = sorted(asyncio.run(run()))
    p50, p95 = delays[len(delays) // 2], delays[min(len(delays) - 1, int(len(delays) * 0.95))]
    print(
        f"post → live feed: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms | "
        f"anchor, the tailer's poll interval: {get_settings().live_poll_seconds * 1000:.0f} ms"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute at most)")
    args = parser.parse_args()
    os.environ.setdefault("MANARA_ENV", "test")
    bench_captures(rounds=3 if args.quick else 20)
    bench_ingest(total=2_000 if args.quick else 20_000, batch=500)
    if args.quick:
        bench_zones(points=100_000, zones=3_000)
    else:
        bench_zones(points=1_000_000, zones=30_000)
    bench_breach_latency(breaches=10 if args.quick else 50)


if __name__ == "__main__":
    main()
