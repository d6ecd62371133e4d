"""Decoding device payloads into readings, with a reason for everything refused.

Payload scheme (JSON, MQTT or HTTP; see ``docs/ingest.md``): a single reading
``{"point", "ts", "value", "unit", "seq"?, "status"?, "token"?}`` or a gateway batch
``{"token"?, "readings": [ … ]}``. ``ts`` is RFC 3339 with an offset or epoch milliseconds;
``status`` other than ``ok`` is a device fault code and makes the value unknown.

What the database cannot store is refused here, reading by reading, so that one device's bad
reading is a rejection and never a failed transaction that takes others' readings with it:
``seq`` within a signed 64-bit integer, a value that is a finite number of sensible magnitude,
text without NUL characters and valid UTF-8 (``json.loads`` of bytes lets invalid bytes
through as lone surrogates, which no UTF-8 database column takes).

Payloads are parsed with orjson (a fifth of the standard library's time for a gateway's
batch) into plain dictionaries, then tuples; a payload with anything refused is parsed again
by the standard library, so every payload is accepted or refused, with the same reasons, as
if only the standard library parsed it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

#: A BIGINT column: a ``seq`` outside it is refused (``out_of_range``).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: No measurement HazWatch keeps comes near this; a larger value is a device or encoding
#: error, and sums of such values in a minute aggregate would overflow to infinity.
VALUE_LIMIT = 1e15


def storable_text(text: str) -> bool:
    """Text a database column takes: no NUL, valid UTF-8 (no lone surrogates)."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str, limit: int) -> str:
    """``text`` made storable for a record of what was refused (NUL and invalid characters
    replaced), at most ``limit`` characters."""
    cleaned = text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:limit]


class ReadingIn(NamedTuple):
    """One decoded reading (a tuple: every reading of every device is built as one)."""

    point: str
    ts: datetime
    value: float | None
    unit: str
    seq: int | None = None
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str
    point: str | None = None
    excerpt: str = ""


@dataclass
class Decoded:
    readings: list[ReadingIn]
    rejections: list[Rejection]
    token: str | None = None


class PayloadError(Exception):
    """The whole payload is unusable (malformed JSON, not an object, batch too large)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_timestamp(raw: Any) -> datetime:
    if isinstance(raw, bool):
        raise ValueError("boolean timestamp")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueError("timestamp not finite")
        return datetime.fromtimestamp(raw / 1000, UTC)
    if isinstance(raw, str):
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError("timestamp without offset")
        return parsed.astimezone(UTC)
    raise ValueError("timestamp of wrong type")


def decode_reading(item: Any) -> ReadingIn | Rejection:
    if not isinstance(item, dict):
        return Rejection("wrong_type", excerpt=str(item)[:200])
    point = item.get("point")
    if not isinstance(point, str) or not point:
        return Rejection("missing_point", excerpt=clean_text(json.dumps(item)[:200], 200))
    if not storable_text(point):
        return Rejection("bad_text", clean_text(point, 64))
    try:
        ts = parse_timestamp(item.get("ts"))
    except (ValueError, OverflowError, OSError):
        return Rejection("bad_timestamp", point)
    status = item.get("status", "ok")
    if not isinstance(status, str):
        return Rejection("wrong_type", point)
    if not storable_text(status):
        return Rejection("bad_text", point)
    fault = None if status in ("ok", "") else status[:32]
    raw_value = item.get("value")
    value: float | None
    if fault is not None and raw_value is None:
        value = None
    elif isinstance(raw_value, bool) or not isinstance(raw_value, int | float):
        return Rejection("wrong_type", point, clean_text(str(raw_value), 50))
    else:
        try:
            value = float(raw_value)  # an integer of 400 digits overflows
        except OverflowError:
            return Rejection("out_of_range", point, str(raw_value)[:50])
        if not math.isfinite(value):
            return Rejection("not_finite", point)
        if abs(value) > VALUE_LIMIT:
            return Rejection("out_of_range", point, repr(value))
    unit = item.get("unit")
    if not isinstance(unit, str):
        return Rejection("missing_unit", point)
    if not storable_text(unit):
        return Rejection("bad_text", point)
    seq = item.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
        return Rejection("wrong_type", point)
    if seq is not None and not INT64_MIN <= seq <= INT64_MAX:
        return Rejection("out_of_range", point, str(seq)[:50])
    return ReadingIn(point=point, ts=ts, value=value, unit=unit, seq=seq, fault=fault)


def decode(payload: bytes | str | dict[str, Any], *, max_batch: int) -> Decoded:
    """A single reading or a batch; per-reading problems are rejections, not exceptions.
    A batch above ``max_batch`` (``settings.ingest_max_batch``) is refused whole.

    Text is parsed by orjson; a payload it refuses, or that is refused in whole or in part
    once parsed, is decided again by the standard library's parse, the reference (orjson
    turns an integer beyond 64 bits into a float, which would change a reason)."""
    if isinstance(payload, dict):
        return decode_parsed(payload, max_batch)
    try:
        parsed = orjson.loads(payload)
    except orjson.JSONDecodeError:
        pass
    else:
        try:
            decoded = decode_parsed(parsed, max_batch)
        except PayloadError:
            pass
        else:
            if not decoded.rejections:
                return decoded
    try:
        parsed = json.loads(payload, parse_constant=lambda _c: math.nan)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise PayloadError("malformed_json") from None
    return decode_parsed(parsed, max_batch)


def decode_parsed(payload: Any, max_batch: int) -> Decoded:
    """:func:`decode` of a parsed payload."""
    if not isinstance(payload, dict):
        raise PayloadError("wrong_type")
    token = payload.get("token")
    if isinstance(token, str) and not storable_text(token):
        raise PayloadError("device_token_invalid")
    token = token if isinstance(token, str) else None
    items = payload.get("readings")
    if items is None:
        items = [payload]
    elif not isinstance(items, list):
        raise PayloadError("wrong_type")
    if len(items) > max_batch:
        raise PayloadError("batch_too_large")
    decoded = Decoded(readings=[], rejections=[], token=token)
    for item in items:
        result = decode_reading(item)
        if isinstance(result, ReadingIn):
            decoded.readings.append(result)
        else:
            decoded.rejections.append(result)
    return decoded
