"""Vehicle positions over the sensors' own ingest (docs/ingest.md): a carrier's vehicle
terminal, or the carrier's monitoring platform, is a registered device of the carrier and
publishes on the same broker and topic scheme, ``{prefix}/v1/{site_id}/{device_code}/position``
(QoS 1; the site is the device's depot), or posts to ``POST /api/ingest/positions`` with its
device token. A payload is one position or a batch::

    {"plate": "浙B·D0123", "ts": "2025-02-07T04:37:00+08:00", "lat": 29.9025,
     "lon": 121.85, "speed": 45, "heading": 78}
    {"token"?: "hwd_…", "positions": [ … ]}

``ts`` is RFC 3339 with an offset or epoch milliseconds; ``speed`` km/h; ``heading`` degrees
clockwise from north. Numbers are read as exact decimals. A device reports only its own
carrier's vehicles. Each position is checked against the zones and limits as the API's are
(:func:`~hazwatch.district.transport.service.record`); what is refused is kept in
``ingest_rejection`` with its reason, as a refused reading is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.context import Context
from hazwatch.core.errors import DomainError
from hazwatch.district.transport import service
from hazwatch.district.transport.models import TransportWarning
from hazwatch.monitoring.config import DeviceConfig
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import parse_timestamp, storable_text
from hazwatch.monitoring.runtime import register_topic_plugin
from hazwatch.prevention.hazard_findings.service import Moment

KIND = "position"
#: A terminal uploads what it buffered while out of coverage: at most this many at once.
MAX_POSITIONS = 1000
FIELDS = {"lat": "lat", "lon": "lon", "speed": "speed_kmh", "heading": "heading"}


class PositionError(Exception):
    def __init__(self, reason: str, excerpt: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.excerpt = excerpt


@dataclass
class PositionsTaken:
    accepted: int = 0
    warnings: list[TransportWarning] = field(default_factory=list)
    rejected: list[tuple[str | None, str]] = field(default_factory=list)


def _number(item: dict[str, Any], name: str) -> Decimal:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PositionError("wrong_type", name)
    # JSON over HTTP arrives as floats: their shortest form is what the device wrote
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise PositionError("not_finite", name)
    return number


def decode_position(item: Any) -> service.PositionIn:
    if not isinstance(item, dict):
        raise PositionError("wrong_type")
    plate = item.get("plate")
    if not isinstance(plate, str) or not plate.strip() or len(plate) > 16:
        raise PositionError("wrong_type", "plate")
    if not storable_text(plate):
        raise PositionError("bad_text", "plate")
    raw_ts = item.get("ts")
    try:
        at = parse_timestamp(float(raw_ts) if isinstance(raw_ts, Decimal) else raw_ts)
    except (ValueError, OverflowError, OSError):
        raise PositionError("bad_timestamp", plate) from None
    values = {target: _number(item, name) for name, target in FIELDS.items()}
    return service.PositionIn(plate=plate, at=at, **values)


def decode(payload: bytes | dict[str, Any]) -> tuple[list[Any], str | None]:
    """The raw position items of a payload and its token; the whole payload refused raises."""
    if isinstance(payload, dict):
        parsed: Any = payload
    else:
        try:
            parsed = json.loads(payload, parse_float=Decimal, parse_constant=lambda _c: None)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise PositionError("malformed_json") from None
    if not isinstance(parsed, dict):
        raise PositionError("wrong_type")
    token = parsed.get("token")
    items = parsed.get("positions")
    if items is None:
        items = [parsed]
    elif not isinstance(items, list):
        raise PositionError("wrong_type")
    if len(items) > MAX_POSITIONS:
        raise PositionError("batch_too_large")
    return items, token if isinstance(token, str) else None


def device_principal(device: DeviceConfig) -> Principal:
    """Who a device's positions are recorded as (the audit names the device)."""
    return Principal(
        user_id=None,
        username=f"device:{device.code}"[:80],
        role=Role.DEVICE,
        organisation_id=device.organisation_id,
    )


def take(
    context: Context, engine: MonitoringEngine, device: DeviceConfig, items: list[Any], source: str
) -> PositionsTaken:
    """Store each position the device may report, in one transaction; refused ones are
    recorded with their reason."""
    taken = PositionsTaken()
    moment = Moment.of(context)
    who = device_principal(device)
    with context.unit_of_work(who) as session:
        for item in items:
            try:
                position = decode_position(item)
                _row, raised = service.record(
                    session, moment, device.organisation_id, position, field="plate"
                )
            except PositionError as exc:
                taken.rejected.append((exc.excerpt or None, exc.reason))
                continue
            except DomainError as exc:  # out of range, too old, not this carrier's vehicle
                taken.rejected.append(
                    (f"{exc.field}: {position.plate}", exc.code.rsplit(".", 1)[-1])
                )
                continue
            taken.accepted += 1
            taken.warnings += raised
    for refused, reason in taken.rejected:
        engine.reject_payload(reason, device, source, refused or "")
    return taken


class PositionIngest:
    """The ``position`` topic on the engine's broker connection (registered with
    :func:`hazwatch.monitoring.runtime.register_topic_plugin`)."""

    kind = KIND

    def __init__(self, context: Context, engine: MonitoringEngine) -> None:
        self.context = context
        self.engine = engine

    def handle(self, site_id: int | None, device_code: str, topic: str, payload: bytes) -> None:
        device = self.engine.device(device_code)
        if device is None or device.revoked_at is not None:
            reason = "unknown_device" if device is None else "revoked_device"
            self.engine.reject_payload(reason, None, "mqtt", device_code)
            return
        if site_id != device.site_id:
            self.engine.reject_payload("wrong_site", device, "mqtt", topic)
            return
        try:
            items, token = decode(payload)
        except PositionError as exc:
            self.engine.reject_payload(
                exc.reason, device, "mqtt", payload[:200].decode("utf-8", "replace")
            )
            return
        if token is not None and self.engine.device_for_secret(token) != device:
            self.engine.reject_payload("device_token_invalid", device, "mqtt")
            return
        take(self.context, self.engine, device, items, "mqtt")


register_topic_plugin(PositionIngest)
