"""Open Drone ID (ASTM F3411-19, -20 and -22a; ASD-STAN EN 4709-002) messages, read and written with `struct`.

Each message is 25 bytes: a header byte (message type in the high nibble, protocol version in the low one)
and 24 bytes of fields, little-endian. A Message Pack (type 15) carries up to nine of them. The dataclasses
hold the wire values exactly (so ``encode(decode(b)) == b`` for every valid message, reserved bits included);
properties and ``fields()`` give physical units (degrees, metres, m/s) with ``None`` for "unknown".

Transports (``frames``): Bluetooth 4 legacy and Bluetooth 5 extended (long range) advertisements, Wi-Fi
beacon vendor-specific elements and Wi-Fi NAN service discovery frames; captures (``read_capture``):
pcap (radiotap, raw 802.11, BLE link layer with or without PHDR, Nordic BLE sniffer) and pcapng.

Nothing is guessed: a truncated message, a wrong length, an unknown message type or protocol version, a
text field that is not printable ASCII, a Message Pack whose size or count does not add up: all raise
`DecodeError` with a code and a reason. Imports nothing of Manara.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

MESSAGE_SIZE = 25
PACK_MAX_MESSAGES = 9
ODID_APP_CODE = 0x0D
ASTM_SERVICE_UUID = 0xFFFA
BEACON_OUIS = (b"\xfa\x0b\xbc", b"\x90\x3a\xe6")  # ASD-STAN, and Parrot (early firmware)
NAN_SERVICE_ID = bytes.fromhex("8869199d9209")  # truncated SHA-256 of "org.opendroneid.remoteid"
WIFI_ALLIANCE_OUI = b"\x50\x6f\x9a"
SUPPORTED_VERSIONS = {0: "F3411-19", 1: "F3411-20", 2: "F3411-22a"}


class DecodeError(ValueError):
    """A message, frame or capture that is not what it claims to be; ``code`` names the fault."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.reason = message


class MessageType(IntEnum):
    """The message types of F3411."""

    BASIC_ID = 0
    LOCATION = 1
    AUTH = 2
    SELF_ID = 3
    SYSTEM = 4
    OPERATOR_ID = 5
    MESSAGE_PACK = 15


ID_TYPES = {0: "none", 1: "serial_number", 2: "caa_registration_id", 3: "utm_assigned_uuid", 4: "specific_session_id"}
UA_TYPES = {
    0: "none",
    1: "aeroplane",
    2: "helicopter_or_multirotor",
    3: "gyroplane",
    4: "hybrid_lift",
    5: "ornithopter",
    6: "glider",
    7: "kite",
    8: "free_balloon",
    9: "captive_balloon",
    10: "airship",
    11: "free_fall_parachute",
    12: "rocket",
    13: "tethered_powered_aircraft",
    14: "ground_obstacle",
    15: "other",
}
STATUSES = {0: "undeclared", 1: "ground", 2: "airborne", 3: "emergency", 4: "remote_id_system_failure"}
AUTH_TYPES = {
    0: "none",
    1: "uas_id_signature",
    2: "operator_id_signature",
    3: "message_set_signature",
    4: "network_remote_id",
    5: "specific_method",
}
OPERATOR_LOCATION_TYPES = {0: "takeoff", 1: "live_gnss", 2: "fixed"}
CLASSIFICATION_TYPES = {0: "undeclared", 1: "eu"}

_LOC = struct.Struct("<BBBBbiiHHHBBHBB")
_SYS = struct.Struct("<BBiiHBHHBHIB")
_AUTH0 = struct.Struct("<BBBBI17s")
_AUTHN = struct.Struct("<BB23s")
_ID = struct.Struct("<BB20s3s")
_SELF = struct.Struct("<BB23s")


def _header(mtype: int, version: int) -> int:
    return (mtype << 4) | version


def _check_version(version: int) -> None:
    if version not in SUPPORTED_VERSIONS:
        raise DecodeError("unsupported_version", f"protocol version {version} is not one of F3411-19/-20/-22a (0-2)")


def _ascii(raw: bytes, what: str) -> str:
    """Return a NUL-padded ASCII text field; text after the padding or unprintable bytes are malformed."""
    text = raw.rstrip(b"\0")
    if b"\0" in text or any(b < 0x20 or b > 0x7E for b in text):
        raise DecodeError("bad_text", f"{what} is not NUL-padded printable ASCII: {raw.hex()}")
    return text.decode("ascii")


def _pad(text: str, size: int, what: str) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > size or any(b < 0x20 or b > 0x7E for b in raw):
        raise ValueError(f"{what} must be at most {size} printable ASCII characters")
    return raw.ljust(size, b"\0")


def _latlon(raw: int) -> float:
    return raw / 1e7


def _alt(raw: int) -> float | None:
    return None if raw == 0 else raw * 0.5 - 1000


def _alt_raw(metres: float | None) -> int:
    return 0 if metres is None else round((metres + 1000) * 2)


@dataclass(frozen=True, slots=True)
class BasicId:
    """Basic ID: what the UA is and its identity (serial number, registration, UUID or session id)."""

    version: int
    id_type: int
    ua_type: int
    uas_id_raw: bytes  # 20 bytes
    reserved: bytes = b"\0\0\0"
    type: Literal[MessageType.BASIC_ID] = MessageType.BASIC_ID

    @property
    def uas_id(self) -> str:
        """The id as text; a specific session id (binary) as hex."""
        if self.id_type == 4:
            return self.uas_id_raw.rstrip(b"\0").hex()
        return _ascii(self.uas_id_raw, "UAS id")

    @classmethod
    def build(cls, uas_id: str, *, id_type: int = 1, ua_type: int = 2, version: int = 2) -> BasicId:
        """Build a Basic ID from text (for id type 4: hex)."""
        raw = bytes.fromhex(uas_id).ljust(20, b"\0") if id_type == 4 else _pad(uas_id, 20, "UAS id")
        if len(raw) != 20:
            raise ValueError("session id longer than 20 bytes")
        return cls(version, id_type, ua_type, raw)

    def encode(self) -> bytes:
        return _ID.pack(
            _header(MessageType.BASIC_ID, self.version),
            (self.id_type << 4) | self.ua_type,
            self.uas_id_raw,
            self.reserved,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "id_type": ID_TYPES.get(self.id_type, f"reserved_{self.id_type}"),
            "ua_type": UA_TYPES[self.ua_type],
            "uas_id": self.uas_id,
        }


@dataclass(frozen=True, slots=True)
class Location:
    """Location/Vector: position, altitudes, speeds, accuracies and a tenths-of-second timestamp."""

    version: int
    status: int
    flags: int  # bit 3 reserved, 2 height type (1: AGL), 1 east/west direction segment, 0 speed multiplier
    direction_raw: int
    speed_raw: int
    vspeed_raw: int
    lat_raw: int
    lon_raw: int
    pressure_alt_raw: int
    geodetic_alt_raw: int
    height_raw: int
    accuracy_vh: int  # vertical (high nibble), horizontal (low)
    accuracy_bs: int  # barometric (high nibble), speed (low)
    timestamp_raw: int  # tenths of seconds since the hour; 0xFFFF unknown
    timestamp_accuracy_byte: int  # low nibble: accuracy in tenths of seconds (0 unknown)
    reserved: int = 0
    type: Literal[MessageType.LOCATION] = MessageType.LOCATION

    @property
    def latitude(self) -> float | None:
        return None if self.lat_raw == 0 and self.lon_raw == 0 else _latlon(self.lat_raw)

    @property
    def longitude(self) -> float | None:
        return None if self.lat_raw == 0 and self.lon_raw == 0 else _latlon(self.lon_raw)

    @property
    def direction(self) -> int | None:
        value = self.direction_raw + (180 if self.flags & 0x02 else 0)
        return None if value >= 361 else value

    @property
    def speed(self) -> float | None:
        if self.flags & 0x01:
            if self.speed_raw == 255:
                return None
            return self.speed_raw * 0.75 + 255 * 0.25
        return self.speed_raw * 0.25

    @property
    def vertical_speed(self) -> float | None:
        return None if self.vspeed_raw == 126 else self.vspeed_raw * 0.5

    @property
    def geodetic_altitude(self) -> float | None:
        return _alt(self.geodetic_alt_raw)

    @property
    def pressure_altitude(self) -> float | None:
        return _alt(self.pressure_alt_raw)

    @property
    def height(self) -> float | None:
        return _alt(self.height_raw)

    @property
    def timestamp(self) -> float | None:
        """Seconds since the full hour, or None if unknown."""
        return None if self.timestamp_raw == 0xFFFF else self.timestamp_raw / 10

    @classmethod
    def build(
        cls,
        *,
        latitude: float | None,
        longitude: float | None,
        geodetic_altitude: float | None = None,
        pressure_altitude: float | None = None,
        height: float | None = None,
        height_agl: bool = False,
        speed: float | None = None,
        direction: int | None = None,
        vertical_speed: float | None = None,
        timestamp: float | None = None,
        status: int = 2,
        version: int = 2,
        accuracy_vh: int = 0x4B,
        accuracy_bs: int = 0x44,
        timestamp_accuracy: int = 1,
    ) -> Location:
        """Encode physical values as F3411 does (speed multiplier and direction segment chosen here)."""
        flags = 0x04 if height_agl else 0
        if direction is None:
            direction_raw, flags = 181, flags | 0x02
        elif not 0 <= direction < 360:
            raise ValueError("direction must be 0-359 degrees")
        elif direction >= 180:
            direction_raw, flags = direction - 180, flags | 0x02
        else:
            direction_raw = direction
        if speed is None:
            speed_raw, flags = 255, flags | 0x01
        elif speed <= 63.75:
            speed_raw = round(speed / 0.25)
        else:
            speed_raw, flags = min(round((speed - 63.75) / 0.75), 254), flags | 0x01
        vspeed_raw = 126 if vertical_speed is None else max(-124, min(124, round(vertical_speed / 0.5)))
        lat_raw = 0 if latitude is None else round(latitude * 1e7)
        lon_raw = 0 if longitude is None else round(longitude * 1e7)
        ts = 0xFFFF if timestamp is None else round(timestamp * 10) % 36000
        return cls(
            version,
            status,
            flags,
            direction_raw,
            speed_raw,
            vspeed_raw,
            lat_raw,
            lon_raw,
            _alt_raw(pressure_altitude),
            _alt_raw(geodetic_altitude),
            _alt_raw(height),
            accuracy_vh,
            accuracy_bs,
            ts,
            timestamp_accuracy,
        )

    def encode(self) -> bytes:
        return _LOC.pack(
            _header(MessageType.LOCATION, self.version),
            (self.status << 4) | self.flags,
            self.direction_raw,
            self.speed_raw,
            self.vspeed_raw,
            self.lat_raw,
            self.lon_raw,
            self.pressure_alt_raw,
            self.geodetic_alt_raw,
            self.height_raw,
            self.accuracy_vh,
            self.accuracy_bs,
            self.timestamp_raw,
            self.timestamp_accuracy_byte,
            self.reserved,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "status": STATUSES.get(self.status, f"reserved_{self.status}"),
            "height_type": "agl" if self.flags & 0x04 else "takeoff",
            "latitude": self.latitude,
            "longitude": self.longitude,
            "direction": self.direction,
            "speed": self.speed,
            "vertical_speed": self.vertical_speed,
            "pressure_altitude": self.pressure_altitude,
            "geodetic_altitude": self.geodetic_altitude,
            "height": self.height,
            "horizontal_accuracy": self.accuracy_vh & 0x0F,
            "vertical_accuracy": self.accuracy_vh >> 4,
            "barometric_accuracy": self.accuracy_bs >> 4,
            "speed_accuracy": self.accuracy_bs & 0x0F,
            "timestamp": self.timestamp,
            "timestamp_accuracy": (self.timestamp_accuracy_byte & 0x0F) / 10 or None,
        }


@dataclass(frozen=True, slots=True)
class Auth:
    """One page of an Authentication message; page 0 carries the page count, data length and timestamp."""

    version: int
    auth_type: int
    page: int
    data: bytes  # 17 bytes on page 0, 23 on the others
    last_page_index: int | None = None
    length: int | None = None
    timestamp: int | None = None  # seconds since 2019-01-01T00:00:00Z
    type: Literal[MessageType.AUTH] = MessageType.AUTH

    def encode(self) -> bytes:
        head = _header(MessageType.AUTH, self.version)
        if self.page == 0:
            return _AUTH0.pack(
                head, self.auth_type << 4, self.last_page_index or 0, self.length or 0, self.timestamp or 0, self.data
            )
        return _AUTHN.pack(head, (self.auth_type << 4) | self.page, self.data)

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "auth_type": AUTH_TYPES.get(self.auth_type, f"private_{self.auth_type}"),
            "page": self.page,
            "data": self.data.hex(),
        }
        if self.page == 0:
            out |= {"last_page_index": self.last_page_index, "length": self.length, "timestamp": self.timestamp}
        return out


@dataclass(frozen=True, slots=True)
class SelfId:
    """Self-ID: the operator's free text (purpose of the flight, emergency or extended status)."""

    version: int
    description_type: int
    description_raw: bytes  # 23 bytes
    type: Literal[MessageType.SELF_ID] = MessageType.SELF_ID

    @property
    def description(self) -> str:
        return _ascii(self.description_raw, "self-ID description")

    @classmethod
    def build(cls, text: str, *, description_type: int = 0, version: int = 2) -> SelfId:
        return cls(version, description_type, _pad(text, 23, "description"))

    def encode(self) -> bytes:
        return _SELF.pack(_header(MessageType.SELF_ID, self.version), self.description_type, self.description_raw)

    def fields(self) -> dict[str, Any]:
        return {"description_type": self.description_type, "description": self.description}


@dataclass(frozen=True, slots=True)
class System:
    """System: the operator's position, the operating area, the UA's class and a UTC timestamp.

    F3411-19 (version 0) left bytes 17-24 reserved; -20 and -22a put the EU category/class, the operator's
    geodetic altitude and the timestamp there. They are decoded alike (transmitters of version 0 fill them
    too, as the captures show); ``classification_type`` says whether the class byte is meaningful.
    """

    version: int
    flags: int  # bits 4-2 classification type, bits 1-0 operator location type; 7-5 reserved
    operator_lat_raw: int
    operator_lon_raw: int
    area_count: int
    area_radius_raw: int
    area_ceiling_raw: int
    area_floor_raw: int
    ua_class_byte: int  # category (high nibble), class (low nibble)
    operator_alt_raw: int
    timestamp: int  # seconds since 2019-01-01T00:00:00Z
    reserved: int = 0
    type: Literal[MessageType.SYSTEM] = MessageType.SYSTEM

    @property
    def operator_latitude(self) -> float | None:
        both_zero = self.operator_lat_raw == 0 and self.operator_lon_raw == 0
        return None if both_zero else _latlon(self.operator_lat_raw)

    @property
    def operator_longitude(self) -> float | None:
        both_zero = self.operator_lat_raw == 0 and self.operator_lon_raw == 0
        return None if both_zero else _latlon(self.operator_lon_raw)

    @property
    def classification_type(self) -> int:
        return (self.flags >> 2) & 0x07

    @classmethod
    def build(
        cls,
        *,
        operator_latitude: float | None,
        operator_longitude: float | None,
        operator_altitude: float | None = None,
        timestamp: int = 0,
        operator_location_type: int = 0,
        classification_type: int = 1,
        category: int = 1,
        ua_class: int = 2,
        area_count: int = 1,
        area_radius: int = 0,
        version: int = 2,
    ) -> System:
        flags = (classification_type << 2) | operator_location_type
        lat = 0 if operator_latitude is None else round(operator_latitude * 1e7)
        lon = 0 if operator_longitude is None else round(operator_longitude * 1e7)
        return cls(
            version,
            flags,
            lat,
            lon,
            area_count,
            area_radius // 10,
            0,
            0,
            (category << 4) | ua_class,
            _alt_raw(operator_altitude),
            timestamp,
        )

    def encode(self) -> bytes:
        return _SYS.pack(
            _header(MessageType.SYSTEM, self.version),
            self.flags,
            self.operator_lat_raw,
            self.operator_lon_raw,
            self.area_count,
            self.area_radius_raw,
            self.area_ceiling_raw,
            self.area_floor_raw,
            self.ua_class_byte,
            self.operator_alt_raw,
            self.timestamp,
            self.reserved,
        )

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "operator_location_type": OPERATOR_LOCATION_TYPES.get(self.flags & 0x03, "reserved"),
            "classification_type": CLASSIFICATION_TYPES.get(self.classification_type, "reserved"),
            "operator_latitude": self.operator_latitude,
            "operator_longitude": self.operator_longitude,
            "area_count": self.area_count,
            "area_radius": self.area_radius_raw * 10,
            "area_ceiling": _alt(self.area_ceiling_raw),
            "area_floor": _alt(self.area_floor_raw),
            "operator_altitude": _alt(self.operator_alt_raw),
            "timestamp": self.timestamp,
        }
        if self.classification_type == 1:
            out |= {"eu_category": self.ua_class_byte >> 4, "eu_class": self.ua_class_byte & 0x0F}
        return out


@dataclass(frozen=True, slots=True)
class OperatorId:
    """Operator ID: the operator's registration number (e.g. an EU operator registration)."""

    version: int
    id_type: int
    operator_id_raw: bytes  # 20 bytes
    reserved: bytes = b"\0\0\0"
    type: Literal[MessageType.OPERATOR_ID] = MessageType.OPERATOR_ID

    @property
    def operator_id(self) -> str:
        return _ascii(self.operator_id_raw, "operator id")

    @classmethod
    def build(cls, operator_id: str, *, id_type: int = 0, version: int = 2) -> OperatorId:
        return cls(version, id_type, _pad(operator_id, 20, "operator id"))

    def encode(self) -> bytes:
        return _ID.pack(
            _header(MessageType.OPERATOR_ID, self.version), self.id_type, self.operator_id_raw, self.reserved
        )

    def fields(self) -> dict[str, Any]:
        return {"id_type": self.id_type, "operator_id": self.operator_id}


Single = BasicId | Location | Auth | SelfId | System | OperatorId


@dataclass(frozen=True, slots=True)
class MessagePack:
    """Up to nine messages of 25 bytes sent together (Bluetooth 5 and Wi-Fi)."""

    version: int
    messages: tuple[Single, ...]
    type: Literal[MessageType.MESSAGE_PACK] = MessageType.MESSAGE_PACK

    def encode(self) -> bytes:
        if len(self.messages) > PACK_MAX_MESSAGES:
            raise ValueError(f"a message pack holds at most {PACK_MAX_MESSAGES} messages")
        head = struct.pack("<BBB", _header(MessageType.MESSAGE_PACK, self.version), MESSAGE_SIZE, len(self.messages))
        return head + b"".join(m.encode() for m in self.messages)

    def fields(self) -> dict[str, Any]:
        return {"count": len(self.messages)}


Message = Single | MessagePack


def _decode_single(data: bytes, mtype: int, version: int) -> Single:
    if mtype == MessageType.BASIC_ID:
        _, b1, uas, res = _ID.unpack(data)
        msg: Single = BasicId(version, b1 >> 4, b1 & 0x0F, uas, res)
        msg.fields()  # validates the text
        return msg
    if mtype == MessageType.LOCATION:
        v = _LOC.unpack(data)
        return Location(version, v[1] >> 4, v[1] & 0x0F, *v[2:])
    if mtype == MessageType.AUTH:
        page = data[1] & 0x0F
        if page == 0:
            _, b1, last, length, ts, payload = _AUTH0.unpack(data)
            max_pages = 5 if version == 0 else 16
            if last >= max_pages:
                raise DecodeError("bad_auth", f"last page index {last} exceeds {max_pages - 1} for this version")
            if length > 17 + 23 * last:
                raise DecodeError("bad_auth", f"authentication length {length} exceeds what {last + 1} pages hold")
            return Auth(version, b1 >> 4, 0, payload, last, length, ts)
        _, b1, payload = _AUTHN.unpack(data)
        if version == 0 and page > 4:
            raise DecodeError("bad_auth", f"page {page} exceeds F3411-19's five pages")
        return Auth(version, b1 >> 4, page, payload)
    if mtype == MessageType.SELF_ID:
        _, dtype, raw = _SELF.unpack(data)
        self_id = SelfId(version, dtype, raw)
        self_id.fields()
        return self_id
    if mtype == MessageType.SYSTEM:
        v = _SYS.unpack(data)
        return System(version, *v[1:])
    if mtype == MessageType.OPERATOR_ID:
        _, itype, raw, res = _ID.unpack(data)
        op = OperatorId(version, itype, raw, res)
        op.fields()
        return op
    raise DecodeError("unknown_type", f"message type {mtype} is not defined by F3411")


def decode_message(data: bytes) -> Message:
    """Decode one message (25 bytes) or one Message Pack (3 + 25 × n bytes)."""
    if not data:
        raise DecodeError("truncated", "empty message")
    mtype, version = data[0] >> 4, data[0] & 0x0F
    _check_version(version)
    if mtype == MessageType.MESSAGE_PACK:
        if len(data) < 3:
            raise DecodeError("truncated", f"message pack header needs 3 bytes, got {len(data)}")
        size, count = data[1], data[2]
        if size != MESSAGE_SIZE:
            raise DecodeError("bad_pack", f"message pack declares messages of {size} bytes, F3411 uses 25")
        if count > PACK_MAX_MESSAGES:
            raise DecodeError("bad_pack", f"message pack declares {count} messages, at most {PACK_MAX_MESSAGES}")
        if len(data) != 3 + size * count:
            raise DecodeError(
                "wrong_length", f"message pack of {count} messages needs {3 + size * count} bytes, got {len(data)}"
            )
        messages: list[Single] = []
        for i in range(count):
            part = data[3 + i * size : 3 + (i + 1) * size]
            inner_type, inner_version = part[0] >> 4, part[0] & 0x0F
            if inner_type == MessageType.MESSAGE_PACK:
                raise DecodeError("bad_pack", "a message pack may not contain a message pack")
            _check_version(inner_version)
            messages.append(_decode_single(part, inner_type, inner_version))
        return MessagePack(version, tuple(messages))
    if mtype not in MessageType.__members__.values():
        raise DecodeError("unknown_type", f"message type {mtype} is not defined by F3411")
    if len(data) != MESSAGE_SIZE:
        raise DecodeError("wrong_length", f"message of type {mtype} needs 25 bytes, got {len(data)}")
    return _decode_single(data, mtype, version)


def flatten(message: Message) -> list[Single]:
    """Return the single messages of a message or pack."""
    return list(message.messages) if isinstance(message, MessagePack) else [message]


# --------------------------------------------------------------------------------------------- transports


Transport = Literal["bt_legacy", "bt_long_range", "wifi_beacon", "wifi_nan"]


@dataclass(frozen=True, slots=True)
class Received:
    """Remote ID payload found in a frame: the transport, the transmitter's address, counter and message."""

    transport: Transport
    source: str  # transmitter MAC, "aa:bb:…"
    counter: int
    payload: bytes  # the message or message pack
    message: Message


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _unpad(payload: bytes) -> bytes:
    """Drop the zero padding after a message pack in a fixed-size advertisement (BT5 sends 228 bytes)."""
    if len(payload) >= 3 and payload[0] >> 4 == MessageType.MESSAGE_PACK and payload[1] == MESSAGE_SIZE:
        used = 3 + MESSAGE_SIZE * payload[2]
        if len(payload) > used and not any(payload[used:]):
            return payload[:used]
    return payload


def _odid_service_data(data: bytes, transport: Transport, source: str) -> Received | None:
    """Parse AD structures; return the Remote ID service data (UUID 0xFFFA, app code 0x0D) if any."""
    i = 0
    while i < len(data):
        length = data[i]
        if length == 0:
            break
        ad = data[i + 1 : i + 1 + length]
        if len(ad) != length:
            raise DecodeError("truncated", f"advertising data element of {length} bytes is cut short")
        if ad[0] == 0x16 and len(ad) >= 4 and int.from_bytes(ad[1:3], "little") == ASTM_SERVICE_UUID:
            if ad[3] != ODID_APP_CODE:
                raise DecodeError("unknown_app", f"ASTM service data with app code {ad[3]:#04x}, not Remote ID")
            if len(ad) < 5:
                raise DecodeError("truncated", "Remote ID service data without message counter")
            payload = _unpad(ad[5:])
            return Received(transport, source, ad[4], payload, decode_message(payload))
        i += 1 + length
    return None


def parse_ble_pdu(pdu: bytes, *, coded: bool = False) -> Received | None:
    """Parse a BLE advertising-channel PDU (header + payload, no access address or CRC).

    Legacy (BT4) ADV_IND, ADV_NONCONN_IND and ADV_SCAN_IND carry AdvA then AD structures; AUX_ADV_IND
    (BT5 extended advertising, long range on LE Coded) carries an extended header first."""
    if len(pdu) < 2:
        raise DecodeError("truncated", "BLE PDU shorter than its header")
    pdu_type, length = pdu[0] & 0x0F, pdu[1]
    body = pdu[2 : 2 + length]
    if len(body) != length:
        raise DecodeError("truncated", f"BLE PDU declares {length} bytes, {len(body)} present")
    if pdu_type in (0x00, 0x02, 0x06):
        if length < 6:
            raise DecodeError("truncated", "legacy advertisement without advertiser address")
        return _odid_service_data(body[6:], "bt_legacy", _mac(body[5::-1]))
    if pdu_type == 0x07:
        if not body:
            raise DecodeError("truncated", "extended advertisement without header")
        ext_len = body[0] & 0x3F
        ext = body[1 : 1 + ext_len]
        if len(ext) != ext_len:
            raise DecodeError("truncated", "extended header cut short")
        source = ""
        if ext_len and ext[0] & 0x01 and len(ext) >= 7:
            source = _mac(ext[6:0:-1])
        return _odid_service_data(body[1 + ext_len :], "bt_long_range" if coded else "bt_legacy", source)
    return None


def _walk_ies(data: bytes) -> Iterator[tuple[int, bytes]]:
    i = 0
    while i + 2 <= len(data):
        eid, length = data[i], data[i + 1]
        value = data[i + 2 : i + 2 + length]
        if len(value) != length:
            return  # the frame check sequence or a cut capture; what came before stands
        yield eid, value
        i += 2 + length


def _nan_service_info(sda: bytes) -> bytes:
    """Return the service info of a NAN service descriptor attribute (after the optional fields its
    service control announces: matching filter, service response filter, binding bitmap)."""
    if len(sda) < 9:
        raise DecodeError("truncated", "NAN service descriptor cut short")
    control, i = sda[8], 9
    for bit in (0x04, 0x08):  # matching filter, service response filter: one length byte each
        if control & bit:
            if i >= len(sda):
                raise DecodeError("truncated", "NAN service descriptor filter cut short")
            i += 1 + sda[i]
    if control & 0x20:  # binding bitmap
        i += 2
    if not control & 0x10 or i >= len(sda):
        raise DecodeError("truncated", "Remote ID NAN frame without service info")
    info = sda[i + 1 : i + 1 + sda[i]]
    if len(info) != sda[i] or len(info) < 2:
        raise DecodeError("truncated", f"NAN service info declares {sda[i]} bytes, {len(info)} present")
    return info


def parse_80211(frame: bytes) -> Received | None:
    """Parse an IEEE 802.11 management frame: a beacon with the Remote ID vendor element, or a NAN
    service discovery frame (public action, Wi-Fi Alliance OUI type 0x13) for the Remote ID service."""
    if len(frame) < 24:
        raise DecodeError("truncated", "802.11 frame shorter than its header")
    fc = frame[0]
    source = _mac(frame[10:16])
    if fc == 0x80:  # beacon
        for eid, value in _walk_ies(frame[36:]):
            if eid == 221 and len(value) >= 5 and value[:3] in BEACON_OUIS and value[3] == ODID_APP_CODE:
                payload = value[5:]
                return Received("wifi_beacon", source, value[4], payload, decode_message(payload))
        return None
    if fc == 0xD0:  # action
        body = frame[24:]
        if body[:2] != b"\x04\x09" or body[2:5] != WIFI_ALLIANCE_OUI or body[5:6] != b"\x13":
            return None
        attrs = body[6:]
        i = 0
        while i + 3 <= len(attrs):
            aid, alen = attrs[i], int.from_bytes(attrs[i + 1 : i + 3], "little")
            value = attrs[i + 3 : i + 3 + alen]
            if len(value) != alen:
                raise DecodeError("truncated", "NAN attribute cut short")
            if aid == 0x03 and value[:6] == NAN_SERVICE_ID:
                info = _nan_service_info(value)
                return Received("wifi_nan", source, info[0], info[1:], decode_message(info[1:]))
            i += 3 + alen
        return None
    return None


# --------------------------------------------------------------------------------------------- captures

LINKTYPE_IEEE802_11 = 105
LINKTYPE_RADIOTAP = 127
LINKTYPE_BLE_LL = 251
LINKTYPE_BLE_LL_PHDR = 256
LINKTYPE_NORDIC_BLE = 272
BLE_ADV_ACCESS_ADDRESS = 0x8E89BED6


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """One frame of a capture and what was found in it: a Remote ID payload, an error, or nothing."""

    index: int
    timestamp: float
    linktype: int
    received: Received | None = None
    error: DecodeError | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_frame(linktype: int, frame: bytes) -> Received | None:
    """Find Remote ID in one captured frame of a supported link type; None if it carries none."""
    if linktype == LINKTYPE_RADIOTAP:
        if len(frame) < 4:
            raise DecodeError("truncated", "radiotap header cut short")
        return parse_80211(frame[int.from_bytes(frame[2:4], "little") :])
    if linktype == LINKTYPE_IEEE802_11:
        return parse_80211(frame)
    if linktype in (LINKTYPE_BLE_LL, LINKTYPE_BLE_LL_PHDR):
        ll = frame[10:] if linktype == LINKTYPE_BLE_LL_PHDR else frame
        if len(ll) < 6 or int.from_bytes(ll[:4], "little") != BLE_ADV_ACCESS_ADDRESS:
            return None
        return parse_ble_pdu(ll[4:-3])
    if linktype == LINKTYPE_NORDIC_BLE:
        return _parse_nordic(frame)
    raise DecodeError("unsupported_linktype", f"link type {linktype} is not a Wi-Fi or Bluetooth LE capture")


def _parse_nordic(frame: bytes) -> Received | None:
    """Nordic nRF Sniffer for Bluetooth LE, protocol 2/3: a 7-byte transport header, a packet header (its
    length first), then the link-layer packet (access address, [coding indicator on LE Coded], PDU, CRC)."""
    if len(frame) < 8 or frame[3] not in (2, 3):
        raise DecodeError("bad_capture", "not a Nordic BLE sniffer packet of protocol version 2 or 3")
    packet_id = frame[6]
    if packet_id not in (0x02, 0x06):  # EVENT_PACKET_ADV_PDU / EVENT_PACKET_DATA_PDU
        return None
    hlen = frame[7]
    flags = frame[8]
    if not flags & 0x01:
        raise DecodeError("bad_crc", "the sniffer reports a CRC error: the frame is corrupt")
    ll = frame[7 + hlen :]
    if len(ll) < 9 or int.from_bytes(ll[:4], "little") != BLE_ADV_ACCESS_ADDRESS:
        return None
    coded = (flags >> 4) & 0x07 == 2
    pdu = ll[5:-3] if coded else ll[4:-3]
    return parse_ble_pdu(pdu, coded=coded)


def _pcap_records(data: bytes) -> Iterator[tuple[int, float, bytes]]:
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise DecodeError("bad_capture", "not a pcap file")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    if len(data) < 24:
        raise DecodeError("truncated", "pcap header cut short")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    rec = struct.Struct(end + "IIII")
    while off < len(data):
        if off + 16 > len(data):
            raise DecodeError("truncated", f"pcap record header cut short at byte {off}")
        sec, frac, incl, _orig = rec.unpack_from(data, off)
        if off + 16 + incl > len(data):
            raise DecodeError("truncated", f"pcap record at byte {off} declares {incl} bytes beyond the file")
        yield linktype, sec + frac / (1e9 if nano else 1e6), data[off + 16 : off + 16 + incl]
        off += 16 + incl


def _pcapng_records(data: bytes) -> Iterator[tuple[int, float, bytes]]:
    off = 0
    end = "<"
    interfaces: list[tuple[int, float]] = []
    while off < len(data):
        if off + 12 > len(data):
            raise DecodeError("truncated", f"pcapng block cut short at byte {off}")
        btype = struct.unpack_from(end + "I", data, off)[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8 : off + 12]
            end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">" if bom == b"\x1a\x2b\x3c\x4d" else ""
            if not end:
                raise DecodeError("bad_capture", "pcapng section header with a bad byte-order magic")
            interfaces = []
        blen = struct.unpack_from(end + "I", data, off + 4)[0]
        if blen < 12 or blen % 4 or off + blen > len(data):
            raise DecodeError("truncated", f"pcapng block at byte {off} declares a bad length {blen}")
        body = data[off + 8 : off + blen - 4]
        if btype == 1:  # interface description
            linktype = struct.unpack_from(end + "H", body, 0)[0]
            interfaces.append((linktype, _if_tsresol(body[8:], end)))
        elif btype == 6:  # enhanced packet
            iface, hi, lo, caplen = struct.unpack_from(end + "IIII", body, 0)
            if iface >= len(interfaces) or 20 + caplen > len(body):
                raise DecodeError("bad_capture", f"pcapng packet at byte {off} names a missing interface or overruns")
            linktype, resol = interfaces[iface]
            yield linktype, ((hi << 32) | lo) * resol, body[20 : 20 + caplen]
        elif btype == 3:  # simple packet
            if not interfaces:
                raise DecodeError("bad_capture", "simple packet before any interface")
            orig = struct.unpack_from(end + "I", body, 0)[0]
            yield interfaces[0][0], 0.0, body[4 : 4 + orig]
        off += blen


def _if_tsresol(options: bytes, end: str) -> float:
    i = 0
    while i + 4 <= len(options):
        code, length = struct.unpack_from(end + "HH", options, i)
        if code == 0:
            break
        if code == 9 and length >= 1:
            v = options[i + 4]
            return 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0**-v
        i += 4 + length + (-length % 4)
    return 1e-6


def read_capture(data: bytes) -> Iterator[CaptureRecord]:
    """Read a pcap or pcapng capture; yield each frame with its Remote ID payload or its decoding error.

    A frame without Remote ID yields a record with neither. A broken capture structure raises DecodeError."""
    records = _pcapng_records(data) if data[:4] == b"\x0a\x0d\x0d\x0a" else _pcap_records(data)
    for index, (linktype, ts, frame) in enumerate(records):
        try:
            yield CaptureRecord(index, ts, linktype, received=parse_frame(linktype, frame))
        except DecodeError as exc:
            yield CaptureRecord(index, ts, linktype, error=exc)
        except (IndexError, struct.error) as exc:
            yield CaptureRecord(index, ts, linktype, error=DecodeError("truncated", f"frame cut short: {exc}"))
