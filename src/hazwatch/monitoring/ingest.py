"""Decoding device payloads into readings, with a reason for everything refused.

Payload scheme (JSON, MQTT or HTTP; see ``docs/ingest.md``): a single reading
``{"point", "ts", "value", "unit", "seq"?, "status"?, "token"?}`` or a gateway batch
``{"token"?, "readings": [ … ]}``. ``ts`` is RFC 3339 with an offset or epoch milliseconds;
``status`` other than ``ok`` is a device fault code and makes the value unknown.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple


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
        return Rejection("missing_point", excerpt=json.dumps(item, ensure_ascii=False)[:200])
    try:
        ts = parse_timestamp(item.get("ts"))
    except (ValueError, OverflowError, OSError):
        return Rejection("bad_timestamp", point)
    status = item.get("status", "ok")
    if not isinstance(status, str):
        return Rejection("wrong_type", point)
    fault = None if status in ("ok", "") else status[:32]
    raw_value = item.get("value")
    value: float | None
    if fault is not None and raw_value is None:
        value = None
    elif isinstance(raw_value, bool) or not isinstance(raw_value, int | float):
        return Rejection("wrong_type", point, str(raw_value)[:50])
    elif not math.isfinite(raw_value):
        return Rejection("not_finite", point)
    else:
        value = float(raw_value)
    unit = item.get("unit")
    if not isinstance(unit, str):
        return Rejection("missing_unit", point)
    seq = item.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
        return Rejection("wrong_type", point)
    return ReadingIn(point=point, ts=ts, value=value, unit=unit, seq=seq, fault=fault)


def decode(payload: bytes | str | dict[str, Any], *, max_batch: int) -> Decoded:
    """A single reading or a batch; per-reading problems are rejections, not exceptions.
    A batch above ``max_batch`` (``settings.ingest_max_batch``) is refused whole."""
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload, parse_constant=lambda _c: math.nan)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise PayloadError("malformed_json") from None
    if not isinstance(payload, dict):
        raise PayloadError("wrong_type")
    token = payload.get("token")
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
