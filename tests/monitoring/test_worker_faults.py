"""Fault tests of the partitioned mode (issue 17 item 6), against real services on loopback:
PostgreSQL, a private NATS JetStream server (so that it can be killed and restarted) and
``hazwatch worker`` processes. Each load run sends every point's readings (20.5 %vol, then
one drop below the low limit) and asserts that every reading is stored once and counted once
in its minute, that every low alarm is raised exactly once, and that each escalation
enqueued its steps once.

Missing services skip locally and fail under ``CI=true`` (tests/services.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from hazwatch.benchmarks import workers as fleet
from hazwatch.benchmarks.fixture import database_url, drop_database
from hazwatch.core.context import Context
from hazwatch.core.settings import Settings
from hazwatch.monitoring.escalation.models import Escalation, Notification
from hazwatch.monitoring.models import Alarm, AlarmEvent, ReadingMinute
from hazwatch.monitoring.workers.stream import StreamLink, message_id
from tests.services import IN_CI, POSTGRES_URL, free_port, require

PARTITIONS = 4
LEASE_S = 2.0
SITES, POINTS = 8, 3


@dataclass
class Fleet:
    sites: fleet.Sites
    url: str
    folder: Path

    @property
    def context(self) -> Context:
        return self.sites.context

    def settings(self, stream_url: str) -> Settings:
        return fleet.worker_settings(
            self.context.settings, self.url, stream_url, PARTITIONS, LEASE_S
        )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    require("PostgreSQL", POSTGRES_URL, 5432)
    if fleet.nats_binary() is None:
        message = "nats-server is not installed (Debian package 'nats-server')"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: integration services are required)")
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("faults")
    url = database_url("postgresql", folder, POSTGRES_URL)
    built = fleet.build_sites(Settings(data_dir=folder, ingest_enabled=False), url, SITES, POINTS)
    try:
        yield Fleet(built, url, folder)
    finally:
        built.context.dispose()
        drop_database(url, POSTGRES_URL)


@pytest.fixture
def clean(sites: Fleet) -> Fleet:
    """No reading, alarm, escalation or worker left by the previous test."""
    fleet.reset(sites.context)
    return sites


def _counted(context: Context) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.sum(ReadingMinute.count))) or 0)


def _assert_exactly_once(context: Context, plan: fleet.Plan, unique: int) -> None:
    """Every reading stored and counted once, every alarm raised once, every escalation
    step enqueued once (none skipped: each raised alarm's ladder started)."""
    assert fleet.wait_for(lambda: fleet.stored(context) >= unique, 60), fleet.stored(context)
    time.sleep(0.5)  # nothing more arrives late
    assert fleet.stored(context) == unique
    assert _counted(context) == unique
    raised = fleet.raised(context)
    assert len(raised) == plan.alarms
    with context.sessions() as session:
        twice = session.execute(
            select(AlarmEvent.alarm_id, AlarmEvent.event, AlarmEvent.at, AlarmEvent.value)
            .where(AlarmEvent.alarm_id.in_([a for a, n in raised.items() if n > 1]))
            .order_by(AlarmEvent.id)
        ).all()
    assert set(raised.values()) == {1}, twice
    with context.sessions() as session:
        active = session.scalar(select(func.count()).select_from(Alarm).where(Alarm.active))
        ladders = session.scalars(select(Escalation)).all()
        sent = session.execute(
            select(
                Notification.subject_id,
                Notification.step,
                Notification.round,
                Notification.address,
                func.count(),
            ).group_by(
                Notification.subject_id,
                Notification.step,
                Notification.round,
                Notification.address,
            )
        ).all()
    assert active == plan.alarms
    assert {ladder.subject_id for ladder in ladders} == set(raised)
    assert all(row[-1] == 1 for row in sent), [row for row in sent if row[-1] != 1]


def test_a_worker_killed_during_a_load_run_loses_no_reading_and_doubles_no_alarm(
    clean: Fleet,
) -> None:
    context = clean.context
    with fleet.private_nats() as nats:
        settings = clean.settings(nats.url)
        log = clean.folder / "kill.log"
        first = fleet.start_worker(settings, "w1", log)
        metrics_port = free_port()
        second = fleet.start_worker(settings, "w2", log, metrics_port)
        link = StreamLink(settings, "publisher")
        try:
            assert fleet.wait_for(lambda: fleet.owned_by(context, {"w1", "w2"}, PARTITIONS), 60)
            plan = fleet.Plan(clean.sites, 60, datetime.now(UTC) - timedelta(hours=1))
            half = len(plan.messages) // 2
            fleet.publish(link, PARTITIONS, plan.messages[:half])
            assert fleet.wait_for(lambda: fleet.stored(context) >= half // 3, 60)
            fleet.kill_worker(first)  # kill -9 while it works through its share
            fleet.publish(link, PARTITIONS, plan.messages[half:])
            assert fleet.wait_for(lambda: fleet.owned_by(context, {"w2"}, PARTITIONS), 30)
            _assert_exactly_once(context, plan, len(plan.messages))
            # the survivor's metrics port shows it holding every partition, none behind
            scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
            families = {f.name: f for f in text_string_to_metric_families(scraped)}
            assert families["hazwatch_worker_partitions"].samples[0].value == PARTITIONS
            backlog = families["hazwatch_stream_backlog_messages"].samples
            assert sorted(int(s.labels["partition"]) for s in backlog) == list(range(PARTITIONS))
        finally:
            fleet.kill_worker(first)
            fleet.stop_worker(second)
            link.close()


def test_a_stream_server_killed_and_restarted_mid_run_loses_nothing(clean: Fleet) -> None:
    context = clean.context
    with fleet.private_nats() as nats:
        settings = clean.settings(nats.url)
        worker = fleet.start_worker(settings, "w1", clean.folder / "restart.log")
        link = StreamLink(settings, "publisher")
        try:
            assert fleet.wait_for(lambda: fleet.owned_by(context, {"w1"}, PARTITIONS), 60)
            plan = fleet.Plan(clean.sites, 40, datetime.now(UTC) - timedelta(hours=1))
            half = len(plan.messages) // 2
            fleet.publish(link, PARTITIONS, plan.messages[:half])
            assert fleet.wait_for(lambda: fleet.stored(context) >= half // 3, 60)
            nats.kill()  # SIGKILL: the stream's store is what survives
            nats.start()
            assert fleet.wait_for(lambda: link.nc.is_connected, 30)
            fleet.publish(link, PARTITIONS, plan.messages[half:])
            _assert_exactly_once(context, plan, len(plan.messages))
        finally:
            fleet.stop_worker(worker)
            link.close()


def test_duplicated_and_reordered_messages_are_stored_and_alarmed_once(clean: Fleet) -> None:
    context = clean.context
    with fleet.private_nats() as nats:
        settings = clean.settings(nats.url)
        worker = fleet.start_worker(settings, "w1", clean.folder / "reorder.log")
        link = StreamLink(settings, "publisher")
        try:
            assert fleet.wait_for(lambda: fleet.owned_by(context, {"w1"}, PARTITIONS), 60)
            plan = fleet.Plan(clean.sites, 20, datetime.now(UTC) - timedelta(hours=1))
            scrambled = plan.messages * 2  # each twice, past the stream's own de-duplication
            random.Random(17).shuffle(scrambled)
            ids, seen = [], set()
            for topic, payload, _device in scrambled:
                key = message_id(topic, payload)
                ids.append(key if key not in seen else f"{key}-again")  # kept both times
                seen.add(key)
            fleet.publish(link, PARTITIONS, scrambled, ids)
            _assert_exactly_once(context, plan, len(plan.messages))
        finally:
            fleet.stop_worker(worker)
            link.close()
