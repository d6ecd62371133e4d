"""Partition leases, the health view (API and CLI) and the stream subjects (issue 17 items 1
and 2). The fault tests against real worker processes are in test_worker_faults.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hazwatch.api.app import create_app
from hazwatch.cli.main import app
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.models import Alarm, AlarmEvent
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers import service
from hazwatch.monitoring.workers.service import LeaseLost
from hazwatch.monitoring.workers.stream import parse, subject_for, token
from hazwatch.registry.demo import load_demo
from tests.conftest import error_code

TTL = timedelta(seconds=5)


def _claim_share(session: Session, worker: int, clock: ManualClock, partitions: int) -> list[int]:
    now = clock.now()
    held = service.renew(session, worker, now, TTL, taken=0, pending={})
    wanted = service.share(partitions, service.live_workers(session, now, TTL)) - len(held)
    claimed = service.claim(session, worker, now, TTL, partitions, wanted)
    return sorted([*held, *(lease.partition for lease in claimed)])


def test_two_workers_share_the_partitions_and_a_silent_ones_move_with_a_new_epoch(
    context: Context, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        service.ensure_partitions(session, 4, clock.now())
        first = service.register(session, "w1", "host", 1, clock.now())
        assert _claim_share(session, first, clock, 4) == [0, 1, 2, 3]  # alone: everything
        second = service.register(session, "w2", "host", 2, clock.now())
        assert _claim_share(session, second, clock, 4) == []  # nothing free yet
        service.release(session, first, [2, 3], clock.now())  # first gives back its surplus
        assert _claim_share(session, second, clock, 4) == [2, 3]
        epochs = service.renew(session, first, clock.now(), TTL, taken=0, pending={})
        service.fence(session, 0, first, epochs[0])  # still the owner: passes

    clock.advance(timedelta(seconds=4))
    with context.unit_of_work() as session:  # only the second renews from now on
        service.renew(session, second, clock.now(), TTL, taken=0, pending={})
    clock.advance(timedelta(seconds=2))  # the first's leases ran out
    with context.unit_of_work() as session:
        assert _claim_share(session, second, clock, 4) == [0, 1, 2, 3]
        with pytest.raises(LeaseLost):
            service.fence(session, 0, first, epochs[0])
        shown = service.view(session, clock.now(), TTL, 4)
    assert {w.name: (w.alive, w.partitions) for w in shown.workers} == {
        "w1": (False, []),
        "w2": (True, [0, 1, 2, 3]),
    }
    taken_over = {lease.partition: lease for lease in shown.leases}
    assert taken_over[0].epoch == epochs[0] + 1
    assert taken_over[0].handover_s == pytest.approx(6.0)  # from its last renewal
    assert shown.unowned == []


def test_a_released_partition_is_taken_without_waiting_for_its_lease(
    context: Context, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        service.ensure_partitions(session, 2, clock.now())
        first = service.register(session, "w1", "host", 1, clock.now())
        second = service.register(session, "w2", "host", 2, clock.now())
        assert _claim_share(session, first, clock, 2) == [0]
        service.stop(session, first, clock.now())
        assert _claim_share(session, second, clock, 2) == [0, 1]
        leases = {
            lease.partition: lease for lease in service.view(session, clock.now(), TTL, 2).leases
        }
    assert leases[0].handover_s is None  # given back, not taken from a silent worker


def test_subjects_carry_the_partition_and_any_device_code() -> None:
    subject = subject_for("hazwatch", 16, 42, "GW.1 *x", "batch")
    assert subject.startswith(f"hazwatch.p{partition_of(42, 16)}.v1.42.")
    assert parse(subject) == (42, "GW.1 *x", "batch")
    assert token("GW-PLANT") == "GW-PLANT"
    assert parse("hazwatch.p1.v1.site.GW.reading") == (None, "GW", "reading")


def test_the_health_view_is_for_platform_administrators(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    login_as: Callable[..., dict[str, str]],
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
        service.ensure_partitions(session, context.settings.stream_partitions, clock.now())
        worker = service.register(session, "w1", "host", 7, clock.now())
        service.claim(session, worker, clock.now(), TTL, context.settings.stream_partitions, 3)
    admin = client.get("/api/monitoring/workers", headers=login_as(Role.PLATFORM_ADMIN))
    assert admin.status_code == 200
    body = admin.json()
    assert body["workers"][0]["name"] == "w1" and body["workers"][0]["partitions"] == [0, 1, 2]
    assert len(body["unowned"]) == context.settings.stream_partitions - 3
    enterprise = client.get(
        "/api/monitoring/workers",
        headers=login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
    )
    assert enterprise.status_code == 403 and error_code(enterprise) == "auth.admin_only"
    regulator = client.get(
        "/api/monitoring/workers",
        headers=login_as(Role.REGULATOR, jurisdiction_id=demo["district"]),
    )
    assert regulator.status_code == 403


def test_worker_list_prints_json_and_fails_while_a_partition_has_no_owner(
    cli_on_context: Context,
) -> None:
    context = cli_on_context
    now = context.clock.now()
    with context.unit_of_work() as session:
        service.ensure_partitions(session, context.settings.stream_partitions, now)
    runner = CliRunner()
    result = runner.invoke(app, ["worker", "list", "--json"])
    assert result.exit_code == 1  # registered partitions, nobody owns them
    shown = json.loads(result.stdout)
    assert shown["unowned"] == list(range(context.settings.stream_partitions))
    plain = runner.invoke(app, ["worker", "list"])
    assert "Partitions without a live owner" in plain.stdout


def test_with_the_stream_server_away_actions_and_gateway_batches_answer_503(
    context: Context, login_as: Callable[..., dict[str, str]]
) -> None:
    """Partitioned, an action goes to the site's owner and a batch into the stream: with the
    stream server unreachable both are refused with a reason to retry on, nothing stored
    (this server's engine applies nothing: the owner's next transition would undo it)."""
    with context.unit_of_work() as session:
        demo = load_demo(session)
        _device, secret = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=demo["plant"], organisation_id=demo["lab"], code="GW-P"),
        )
        session.add(
            Alarm(
                site_id=demo["plant"],
                source="O2-X",
                condition="low",
                organisation_id=demo["lab"],
                priority="high",
                active=True,
                acked=False,
                state="active_unack",
                changed_at=context.clock.now(),
            )
        )
    partitioned = replace(
        context, settings=context.settings.model_copy(update={"stream_url": "nats://127.0.0.1:9"})
    )
    with TestClient(create_app(partitioned, console=False)) as client:
        admin = login_as(Role.PLATFORM_ADMIN)
        with context.sessions() as session:
            alarm = session.scalars(select(Alarm)).one()
        refused = client.post(f"/api/monitoring/alarms/{alarm.id}/ack", json={}, headers=admin)
        assert refused.status_code == 503
        assert error_code(refused) == "monitoring.stream_unavailable"
        reading = {"point": "O2-X", "ts": "2025-02-07T04:00:00+08:00", "value": 20.9}
        ingest = client.post(
            "/api/ingest/readings",
            json={"readings": [reading | {"unit": "%vol"}]},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert ingest.status_code == 503
        assert error_code(ingest) == "monitoring.stream_unavailable"
    with context.sessions() as session:
        assert session.scalars(select(Alarm)).one().acked is False
        assert session.scalar(select(func.count()).select_from(AlarmEvent)) == 0
