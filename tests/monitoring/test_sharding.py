"""Engine partitions: each site has exactly one owner, in the engine, over MQTT and HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import IngestRejection, Reading
from hazwatch.monitoring.mqtt import MqttIngest
from hazwatch.monitoring.schemas import PointIn
from hazwatch.monitoring.sharding import Partition, partition_of
from tests.conftest import error_code
from tests.monitoring.conftest import Plant


def test_partition_of_is_a_fixed_hash_and_every_site_has_one_owner() -> None:
    # FNV-1a of "1" (the published test vector for "a" is 0xe40c292c): the same answer in
    # every process and after every restart, unlike Python's salted hash().
    assert partition_of(1, 2**32) == 0x340CA71C
    partitions = [Partition(index, 4) for index in range(4)]
    owners = [[p.index for p in partitions if p.owns(site)] for site in range(1, 1001)]
    assert all(len(owner) == 1 for owner in owners)
    shares = [sum(1 for owner in owners if owner == [i]) for i in range(4)]
    assert all(200 <= share <= 300 for share in shares), shares
    assert Partition().owns(12345)
    with pytest.raises(ValueError):
        Partition(4, 4)


def split(plant: Plant) -> tuple[Partition, Partition]:
    """Two partitions of some N that put the plant and the chemical site apart."""
    plant_site, chem_site = plant.demo["plant"], plant.demo["chem_site"]
    count = next(
        n for n in range(2, 50) if partition_of(plant_site, n) != partition_of(chem_site, n)
    )
    return (
        Partition(partition_of(plant_site, count), count),
        Partition(partition_of(chem_site, count), count),
    )


@pytest.fixture
def engines(context: Context, plant: Plant) -> Iterator[tuple[MonitoringEngine, MonitoringEngine]]:
    with context.unit_of_work() as session:
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=plant.demo["chem_site"],
                organisation_id=plant.demo["chem"],
                room_id=plant.demo["ammonia_room"],
                code="NH3-01",
                kind=PointKind.GAS_PPM,
            ),
        )
    plant_part, chem_part = split(plant)
    pair = (
        MonitoringEngine(context, partition=plant_part),
        MonitoringEngine(context, partition=chem_part),
    )
    yield pair
    for engine in pair:
        engine.close()


def test_each_engine_evaluates_only_its_own_sites(
    engines: tuple[MonitoringEngine, MonitoringEngine], plant: Plant, clock: ManualClock
) -> None:
    plant_engine, chem_engine = engines
    assert {p.code for p in plant_engine.points()} == {"O2-DRY1", "LT-LN2"}
    assert {p.code for p in chem_engine.points()} == {"NH3-01"}
    o2 = ReadingIn("O2-DRY1", clock.now(), 19.0, "%vol")
    assert [r.reason for r in chem_engine.submit([o2]).rejected] == ["unknown_point"]
    assert plant_engine.submit([o2]).accepted == 1
    with pytest.raises(ValueError):
        chem_engine.set_condition(
            site_id=plant.demo["plant"],
            source="tank:1",
            condition="leak",
            active=True,
            at=clock.now(),
            organisation_id=plant.demo["lab"],
        )


def message(topic: str, body: dict[str, object]) -> mqtt.MQTTMessage:
    built = mqtt.MQTTMessage(mid=1, topic=topic.encode())
    built.payload = json.dumps(body).encode()
    return built


def test_mqtt_ingest_leaves_other_partitions_messages_and_refuses_a_wrong_site(
    context: Context,
    engines: tuple[MonitoringEngine, MonitoringEngine],
    plant: Plant,
    clock: ManualClock,
) -> None:
    plant_engine, chem_engine = engines
    reading = {"point": "O2-DRY1", "ts": clock.now().isoformat(), "value": 20.9, "unit": "%vol"}
    own_topic = f"hw/v1/{plant.demo['plant']}/GW-LAB/reading"
    MqttIngest(context.settings, chem_engine).handle(message(own_topic, reading))
    with context.sessions() as session:
        assert session.scalars(select(Reading)).all() == []
        assert session.scalars(select(IngestRejection)).all() == []  # not refused: not its own
    plant_ingest = MqttIngest(context.settings, plant_engine)
    plant_ingest.handle(message(own_topic, reading))
    # The lab's gateway publishing under the chemical site's topic: refused, not re-routed.
    plant_ingest.handle(message(f"hw/v1/{plant.demo['chem_site']}/GW-LAB/reading", reading))
    MqttIngest(context.settings, chem_engine).handle(
        message(f"hw/v1/{plant.demo['chem_site']}/GW-LAB/reading", reading)
    )
    with context.sessions() as session:
        assert len(session.scalars(select(Reading)).all()) == 1
        assert session.scalars(select(IngestRejection.reason)).all() == ["wrong_site"]


def test_http_ingest_names_the_partition_that_owns_the_site(
    client: TestClient,
    context: Context,
    engines: tuple[MonitoringEngine, MonitoringEngine],
    plant: Plant,
    clock: ManualClock,
) -> None:
    plant_engine, chem_engine = engines
    body = {
        "readings": [
            {"point": "O2-DRY1", "ts": clock.now().isoformat(), "value": 20.9, "unit": "%vol"}
        ]
    }
    device = {"Authorization": f"Bearer {plant.device_token}"}
    client.app.state.engine = chem_engine  # type: ignore[attr-defined]
    elsewhere = client.post("/api/ingest/readings", headers=device, json=body)
    assert elsewhere.status_code == 409
    assert error_code(elsewhere) == "monitoring.site_served_elsewhere"
    assert elsewhere.json()["error"]["params"]["partition"] == plant_engine.partition.index
    client.app.state.engine = plant_engine  # type: ignore[attr-defined]
    assert client.post("/api/ingest/readings", headers=device, json=body).json()["accepted"] == 1
