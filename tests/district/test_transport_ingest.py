"""Vehicle positions over the sensors' own ingest (issue 16 item 2): a carrier's terminal,
registered as a device at the carrier's depot, publishes on the broker under the same topic
scheme (``…/{site}/{device}/position``) or posts with its device token; a position in the
restricted tunnel raises the dispatched warning; what is refused is kept with its reason;
a device reports its own carrier's vehicles only. Against the real broker (skipped locally
when it is not running, failed under CI=true)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.district.transport.demo import IN_TUNNEL
from hazwatch.district.transport.models import TransportWarning, VehiclePosition
from hazwatch.monitoring.models import IngestRejection
from hazwatch.monitoring.runtime import EngineRuntime, device_topics
from hazwatch.registry.demo import DemoIds
from tests.monitoring.conftest import wait_for
from tests.services import MQTT_URL, require

Login = Callable[..., dict[str, str]]


def _terminal(client: TestClient, login_as: Login, demo: DemoIds, code: str) -> tuple[int, str]:
    """The carrier's depot and its fleet platform's gateway: (site id, device token)."""
    carrier = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["carrier"])
    site = client.post(
        "/api/registry/sites",
        json={"organisation_id": demo["carrier"], "name": "海港危运停车场"},
        headers=carrier,
    )
    assert site.status_code == 201, site.text
    device = client.post(
        "/api/monitoring/devices",
        json={
            "site_id": site.json()["id"],
            "organisation_id": demo["carrier"],
            "code": code,
            "kind": "gateway",
        },
        headers=carrier,
    )
    assert device.status_code == 201, device.text
    return int(site.json()["id"]), str(device.json()["token"])


def _position(at: datetime, **changes: Any) -> dict[str, Any]:
    lat, lon = IN_TUNNEL
    return {
        "plate": "浙B·D0456",
        "ts": at.isoformat(),
        "lat": float(lat),
        "lon": float(lon),
        "speed": 40,
        "heading": 75.5,
        **changes,
    }


def _rows(context: Context, model: Any, *where: Any) -> list[Any]:
    with context.sessions() as session:
        return list(session.scalars(select(model).where(*where)))


def test_positions_over_http_with_the_device_token(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock, context: Context
) -> None:
    _site, token = _terminal(client, login_as, demo, "GW-FLEET-HTTP")
    device = {"Authorization": f"Bearer {token}"}
    now = clock.now()
    taken = client.post(
        "/api/ingest/positions",
        json={
            "positions": [
                _position(now),
                _position(now, lat=95),
                _position(now, plate="浙B·X9999"),
                _position(now, speed="fast"),
            ]
        },
        headers=device,
    )
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert body["accepted"] == 1
    assert [(w["plate"], w["zone"]) for w in body["warnings"]] == [("浙B·D0456", "海港隧道")]
    assert body["warnings"][0]["dispatch_id"] is not None
    assert [r["reason"] for r in body["rejected"]] == [
        "out_of_range",
        "unknown_vehicle",
        "wrong_type",
    ]
    assert {r.reason for r in _rows(context, IngestRejection)} >= {"out_of_range", "wrong_type"}
    (stored,) = _rows(context, VehiclePosition, VehiclePosition.vehicle_id == demo["van"])
    assert str(stored.heading) == "75.5"
    unknown = client.post(
        "/api/ingest/positions",
        json={"positions": [_position(now)]},
        headers={"Authorization": "Bearer hwd_nonsense"},
    )
    assert unknown.status_code == 401


def test_positions_over_mqtt_raise_the_tunnel_warning(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock, context: Context
) -> None:
    require("MQTT", MQTT_URL, 1883)
    site, token = _terminal(client, login_as, demo, "GW-FLEET")
    prefix = f"hwtest-{uuid.uuid4().hex[:8]}"
    live = context.settings.model_copy(
        update={
            "ingest_enabled": True,
            "mqtt_url": MQTT_URL,
            "mqtt_topic_prefix": prefix,
            "mqtt_client_id": f"engine-{uuid.uuid4().hex[:8]}",
        }
    )
    runtime = EngineRuntime(dataclasses.replace(context, settings=live))
    runtime.start()
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{prefix}")
    try:
        assert runtime.ingest is not None and runtime.ingest.connection.connected.wait(10)
        host, _, port = MQTT_URL.removeprefix("mqtt://").partition(":")
        publisher.connect(host, int(port or 1883))
        publisher.loop_start()
        topic = f"{prefix}/v1/{site}/GW-FLEET/position"
        now = clock.now()
        for payload in (
            {"positions": [_position(now)], "token": token},
            _position(now, lat=95),
            {"positions": [_position(now)], "token": "hwd_someone_else"},
        ):
            publisher.publish(topic, json.dumps(payload), qos=1).wait_for_publish(10)
        publisher.publish(f"{prefix}/v1/{site}/GW-NOBODY/position", b"{}", qos=1)
        publisher.publish(topic, b"{not json", qos=1).wait_for_publish(10)
        assert wait_for(
            lambda: bool(
                _rows(context, TransportWarning, TransportWarning.vehicle_id == demo["van"])
            ),
            15,
        )
        reasons = {"out_of_range", "device_token_invalid", "unknown_device", "malformed_json"}
        assert wait_for(
            lambda: {r.reason for r in _rows(context, IngestRejection)} >= reasons, 15
        ), {r.reason for r in _rows(context, IngestRejection)}
        (warning,) = _rows(context, TransportWarning, TransportWarning.vehicle_id == demo["van"])
        assert warning.zone_id == demo["zone_tunnel"] and warning.dispatch_id is not None
        assert len(_rows(context, VehiclePosition, VehiclePosition.vehicle_id == demo["van"])) == 1
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        runtime.stop()  # its tick thread too: left running it ticks on a dropped database


def test_positions_from_the_stream_reach_the_owning_engine(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock, context: Context
) -> None:
    """Partitioned, the bridge forwards the ``position`` topic with the readings, and the
    site's owner hands a position from the stream to the same plug-in as the broker's."""
    site, token = _terminal(client, login_as, demo, "GW-FLEET")
    assert "hazwatch/v1/+/+/position" in device_topics("hazwatch")
    runtime = EngineRuntime(context)
    payload = json.dumps({"positions": [_position(clock.now())], "token": token}).encode()
    subject = f"hazwatch.p0.v1.{site}.GW-FLEET.position"
    assert runtime.take_other(site, "GW-FLEET", "position", subject, payload)
    assert not runtime.take_other(site, "GW-FLEET", "reading", subject, payload)
    assert len(_rows(context, VehiclePosition, VehiclePosition.vehicle_id == demo["van"])) == 1
    assert _rows(context, TransportWarning, TransportWarning.vehicle_id == demo["van"])
