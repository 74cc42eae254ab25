"""The Open Drone ID decoder: round trips of every message type, the three real captures, and refusals."""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

import pytest

from manara.drone import odid
from manara.drone.odid import (
    Auth,
    BasicId,
    DecodeError,
    Location,
    MessagePack,
    OperatorId,
    SelfId,
    System,
    decode_message,
)

DATA = Path(__file__).parent / "data"


def samples(version: int) -> list[odid.Single]:
    return [
        BasicId.build("1596F3A7B0C2D4E6F8A1", id_type=1, ua_type=2, version=version),
        BasicId.build("0a1b2c3d4e5f", id_type=4, ua_type=15, version=version),
        Location.build(
            latitude=34.0208,
            longitude=-6.8416,
            geodetic_altitude=120.5,
            height=80,
            speed=12.25,
            direction=271,
            vertical_speed=-1.5,
            timestamp=1234.5,
            version=version,
        ),
        Location.build(latitude=None, longitude=None, speed=None, direction=None, version=version),
        Location.build(latitude=-33.9, longitude=151.2, speed=120.0, direction=10, version=version),
        Auth(version, 1, 0, bytes(range(17)), last_page_index=2, length=60, timestamp=123456789),
        Auth(version, 1, 2, bytes(range(23))),
        SelfId.build("Prison perimeter test", description_type=0, version=version),
        System.build(
            operator_latitude=34.01,
            operator_longitude=-6.83,
            operator_altitude=40,
            timestamp=250_000_000,
            area_radius=50,
            version=version,
        ),
        OperatorId.build("MAR-OP-0042XYZ", version=version),
    ]


@pytest.mark.parametrize("version", [0, 1, 2])
def test_every_message_type_round_trips(version: int) -> None:
    for message in samples(version):
        raw = message.encode()
        assert len(raw) == 25
        assert raw[0] == (message.type << 4) | version
        back = decode_message(raw)
        assert back == message
        assert back.encode() == raw
    pack = MessagePack(version, tuple(samples(version)[:9]))
    raw = pack.encode()
    assert len(raw) == 3 + 25 * 9
    assert decode_message(raw) == pack


def test_physical_values_survive_encoding() -> None:
    loc = decode_message(samples(2)[2].encode())
    assert isinstance(loc, Location)
    assert loc.latitude == pytest.approx(34.0208) and loc.longitude == pytest.approx(-6.8416)
    assert (loc.direction, loc.speed, loc.vertical_speed) == (271, 12.25, -1.5)
    assert (loc.geodetic_altitude, loc.height, loc.timestamp) == (120.5, 80.0, 1234.5)
    fast = decode_message(samples(2)[4].encode())
    assert isinstance(fast, Location) and fast.speed == pytest.approx(120.0, abs=0.75)
    unknown = samples(2)[3]
    assert (unknown.latitude, unknown.speed, unknown.direction) == (None, None, None)  # type: ignore[union-attr]
    system = decode_message(samples(2)[8].encode())
    assert isinstance(system, System)
    assert system.fields()["operator_altitude"] == 40 and system.fields()["eu_class"] == 2
    session = decode_message(samples(2)[1].encode())
    assert isinstance(session, BasicId) and session.uas_id == "0a1b2c3d4e5f"


def test_f3411_19_and_22a_differ_where_the_standards_do() -> None:
    page = Auth(0, 1, 6, bytes(23)).encode()  # F3411-19 has five pages at most
    with pytest.raises(DecodeError) as err:
        decode_message(page)
    assert err.value.code == "bad_auth"
    assert decode_message(Auth(2, 1, 6, bytes(23)).encode()) == Auth(2, 1, 6, bytes(23))  # -22a: sixteen
    with pytest.raises(DecodeError):
        decode_message(Auth(0, 1, 0, bytes(17), last_page_index=7, length=10, timestamp=1).encode())
    status = Location.build(latitude=1, longitude=1, status=4)  # -22a: Remote ID system failure
    assert decode_message(status.encode()).fields()["status"] == "remote_id_system_failure"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "truncated"),
        (samples(2)[0].encode()[:24], "wrong_length"),
        (samples(2)[0].encode() + b"\0", "wrong_length"),
        (bytes([0x72]) + bytes(24), "unknown_type"),  # type 7 is not defined
        (bytes([0x05]) + bytes(24), "unsupported_version"),  # version 5
        (bytes([0x0F]) + bytes(24), "unsupported_version"),  # private use
        (bytes([0x02, 0x12]) + b"AB\0CD" + bytes(18), "bad_text"),  # text after the padding
        (bytes([0x02, 0x12]) + b"A\x07B" + bytes(20), "bad_text"),  # control character
        (bytes([0xF2, 0x19, 0x02]) + samples(2)[0].encode(), "wrong_length"),  # count says 2, one present
        (bytes([0xF2, 0x18, 0x01]) + bytes(24), "bad_pack"),  # message size 24
        (bytes([0xF2, 0x19, 0x0A]) + samples(2)[0].encode() * 10, "bad_pack"),  # ten messages
        (bytes([0xF2, 0x19, 0x01, 0xF2, 0x19, 0x00]) + bytes(22), "bad_pack"),  # a pack in a pack
    ],
)
def test_malformed_messages_are_reported_not_guessed(raw: bytes, code: str) -> None:
    with pytest.raises(DecodeError) as err:
        decode_message(raw)
    assert err.value.code == code
    assert str(err.value)


def test_builders_refuse_what_cannot_be_sent() -> None:
    with pytest.raises(ValueError):
        BasicId.build("x" * 21)
    with pytest.raises(ValueError):
        SelfId.build("é")
    with pytest.raises(ValueError):
        Location.build(latitude=0, longitude=0, direction=360)
    with pytest.raises(ValueError):
        MessagePack(2, tuple(samples(2)) * 2).encode()


def _ble_legacy(message: bytes, counter: int = 7) -> bytes:
    service = bytes([0x16]) + struct.pack("<H", 0xFFFA) + bytes([0x0D, counter]) + message
    adv_data = bytes([len(service)]) + service
    body = bytes.fromhex("665544332211") + adv_data
    return bytes([0x02, len(body)]) + body


def test_bluetooth_legacy_advert() -> None:
    msg = samples(2)[0].encode()
    got = odid.parse_ble_pdu(_ble_legacy(msg))
    assert got is not None
    assert (got.transport, got.source, got.counter, got.payload) == ("bt_legacy", "11:22:33:44:55:66", 7, msg)
    ll = struct.pack("<I", odid.BLE_ADV_ACCESS_ADDRESS) + _ble_legacy(msg) + b"\0\0\0"
    assert odid.parse_frame(odid.LINKTYPE_BLE_LL, ll) == got
    with pytest.raises(DecodeError):
        odid.parse_ble_pdu(_ble_legacy(msg)[:-3])  # length byte says more than present
    other_app = _ble_legacy(msg).replace(b"\xfa\xff\x0d", b"\xfa\xff\x0e")
    with pytest.raises(DecodeError) as err:
        odid.parse_ble_pdu(other_app)
    assert err.value.code == "unknown_app"


def _capture_counts(name: str) -> tuple[Counter[str], Counter[str], int]:
    transports: Counter[str] = Counter()
    types: Counter[str] = Counter()
    errors = 0
    for rec in odid.read_capture((DATA / name).read_bytes()):
        if rec.error is not None:
            errors += 1
            assert rec.error.code == "bad_crc"
        elif rec.received is not None:
            transports[rec.received.transport] += 1
            assert rec.received.message.encode() == rec.received.payload  # byte-exact round trip
            for m in odid.flatten(rec.received.message):
                types[m.type.name] += 1
    return transports, types, errors


def test_real_wifi_nan_and_beacon_capture() -> None:
    transports, types, errors = _capture_counts("odid_wifi_sample.pcap")
    assert transports == {"wifi_nan": 21, "wifi_beacon": 21} and errors == 0
    assert types == {"LOCATION": 31, "SYSTEM": 4, "SELF_ID": 4, "OPERATOR_ID": 3}


def test_real_wifi_beacon_capture() -> None:
    transports, types, errors = _capture_counts("odid_wifi_bcn_sample.pcap")
    assert transports == {"wifi_beacon": 21} and errors == 0
    assert set(types.values()) == {21} and len(types) == 5
    first = next(r for r in odid.read_capture((DATA / "odid_wifi_bcn_sample.pcap").read_bytes()) if r.received)
    assert first.received is not None
    by_type = {m.type: m for m in odid.flatten(first.received.message)}
    assert by_type[odid.MessageType.BASIC_ID].fields()["uas_id"] == "MFG1A0123456789"
    assert by_type[odid.MessageType.OPERATOR_ID].fields()["operator_id"] == "GBR-OP-123ABCD"
    loc = by_type[odid.MessageType.LOCATION]
    assert isinstance(loc, Location) and loc.lat_raw == 455457468 and loc.lon_raw == -1229681496


def test_real_bluetooth_5_long_range_capture() -> None:
    transports, types, errors = _capture_counts("odid_bt5_lr_sample.pcapng")
    assert transports == {"bt_long_range": 244}
    assert errors == 30  # frames the sniffer received with a bad CRC: reported, never decoded
    assert types["BASIC_ID"] == 225 and types["OPERATOR_ID"] == 199
    rec = next(
        r
        for r in odid.read_capture((DATA / "odid_bt5_lr_sample.pcapng").read_bytes())
        if r.received and len(odid.flatten(r.received.message)) == 5
    )
    assert rec.received is not None and rec.received.source == "e0:7d:ea:eb:2f:1c"
    ids = [m for m in odid.flatten(rec.received.message) if isinstance(m, BasicId)]
    assert ids[0].uas_id == "SSEVTFG93700070" and ids[0].id_type == 1


def test_broken_captures_are_refused() -> None:
    with pytest.raises(DecodeError):
        list(odid.read_capture(b"not a capture at all"))
    data = (DATA / "odid_wifi_sample.pcap").read_bytes()
    with pytest.raises(DecodeError) as err:
        list(odid.read_capture(data[:-5]))
    assert err.value.code == "truncated"
    ng = (DATA / "odid_bt5_lr_sample.pcapng").read_bytes()
    with pytest.raises(DecodeError):
        list(odid.read_capture(ng[:1000]))


def test_frames_cut_short_are_errors_not_crashes() -> None:
    data = bytearray((DATA / "odid_wifi_bcn_sample.pcap").read_bytes())
    # cut the first record's frame to 60 bytes (header fields rewritten so the file stays well-formed)
    incl = struct.unpack_from("<I", data, 24 + 8)[0]
    cut = data[: 24 + 8] + struct.pack("<II", 60, 60) + data[24 + 16 : 24 + 16 + 60] + data[24 + 16 + incl :]
    records = list(odid.read_capture(bytes(cut)))
    assert records[0].received is None and len(records) == 21
