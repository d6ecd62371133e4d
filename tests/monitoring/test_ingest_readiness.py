"""Ingest that says when it is stuck (issue 11, "Ingest liveness"): ``/readyz`` and a notice
to the platform operator when ingest stalls or lags, a stop that returns during a database
outage, and recovery from an outage by itself. The outage is a TCP proxy in front of
PostgreSQL that the test cuts; the broker is the real one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch.api.app import create_app
from hazwatch.cli.main import app
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.db import make_engine, make_session_factory
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.ingest_watch import RECOVERED, STALLED, operator_contacts
from hazwatch.monitoring.liveness import IngestLiveness, IngestState, MessageProgress
from hazwatch.monitoring.models import Alarm, AlarmEvent, Reading, ReadingMinute
from hazwatch.monitoring.retry import Retry
from hazwatch.monitoring.runtime import EngineRuntime
from tests.monitoring.conftest import Plant, Received, wait_for
from tests.monitoring.proxy import Proxy, proxy
from tests.monitoring.test_ingest_liveness import live_context
from tests.monitoring.test_metrics import samples, value
from tests.monitoring.test_mqtt import count, publisher
from tests.services import MQTT_URL, require


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_stalled_means_work_waits_and_nothing_moves_and_lagging_means_old_work() -> None:
    at = FakeTime()
    progress = MessageProgress(at)
    retry = Retry(threading.Event())
    liveness = IngestLiveness(progress, [retry], stall_after_s=15, lag_limit_s=30, now=at)
    assert liveness.status().state is IngestState.OK
    at.now += 3600  # an idle hour: a message now has not waited an hour
    first = progress.received()
    assert liveness.status().state is IngestState.OK
    at.now += 14
    assert liveness.status().state is IngestState.OK
    at.now += 1
    status = liveness.status()
    assert status.state is IngestState.STALLED and status.reasons == ("ingest_stalled",)
    assert status.pending == 1 and status.oldest_s == 15
    second = progress.received()
    at.now += 10
    progress.applied(first)  # progress: the next one has waited 10 s only
    assert liveness.status().state is IngestState.OK
    at.now += 20  # still moving? no: the second waited 30 s, 20 s since the last progress
    assert liveness.status().reasons == ("ingest_stalled", "ingest_lagging")
    progress.applied(second)
    assert liveness.status().state is IngestState.OK
    # messages that flow but wait long: lagging, not stalled
    third = progress.received()
    at.now += 10
    fourth = progress.received()
    progress.applied(progress.received())
    at.now += 10
    progress.applied(progress.received())
    at.now += 10
    assert liveness.status().reasons == ("ingest_lagging",)
    assert liveness.status().state is IngestState.LAGGING
    progress.applied(third)
    progress.applied(fourth)
    # writes failing for as long: stalled, with no message waiting (a tick's batch)
    retry.failing_since = at.now
    at.now += 15
    assert liveness.status().reasons == ("writes_failing",)
    progress.forget()
    assert progress.waiting() == (0, None)


def test_readyz_answers_ready_with_the_ingest_state(context: Context) -> None:
    with TestClient(create_app(context, console=False)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["ingest"]["state"] == "ok" and ready.json()["status"] == "ready"


def test_operator_contacts_are_channel_and_address() -> None:
    assert operator_contacts(["console:platform", "webhook:http://h/x?a=b:c", "email:"]) == [
        ("console", "platform"),
        ("webhook", "http://h/x?a=b:c"),
        ("email", ""),
    ]


@pytest.fixture
def outage(context: Context) -> Iterator[tuple[Context, Proxy]]:
    """The test's context reaching PostgreSQL through a proxy the test can cut."""
    if context.engine.dialect.name != "postgresql":
        pytest.skip("the outage is a TCP proxy in front of PostgreSQL")
    port = context.engine.url.port or 5432
    with proxy(port) as cuttable:
        url = context.engine.url.set(host="127.0.0.1", port=cuttable.port)
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            yield replace(context, engine=engine, sessions=make_session_factory(engine)), cuttable
        finally:
            cuttable.restore()
            engine.dispose()


def _readings(clock: ManualClock, start: int, end: int, base: float = 20.4) -> bytes:
    """Readings ``start``…``end - 1`` seconds after the (stopped) clock's now, so that the
    point is never stale; ``base`` and half a percent more in turn: each moves more than the
    storage deviation, so each is stored."""
    return json.dumps(
        {
            "readings": [
                {
                    "point": "O2-DRY1",
                    "ts": (clock.now() + timedelta(seconds=i)).isoformat(),
                    "value": base + (i % 2) * 0.5,
                    "unit": "%vol",
                    "seq": i,
                }
                for i in range(start, end)
            ]
        }
    ).encode()


def test_stop_returns_promptly_during_a_database_outage(
    outage: tuple[Context, Proxy], plant: Plant, clock: ManualClock
) -> None:
    """The engine's commit of an alarm waited for the database with time.sleep and never
    looked at a stop: stopping during an outage hung (the broker's thread inside it)."""
    require("MQTT", MQTT_URL, 1883)
    proxied, database = outage
    runtime = EngineRuntime(live_context(proxied))
    runtime.start()
    stopper = threading.Thread(target=runtime.stop, name="stopper")
    try:
        assert runtime.ingest is not None and runtime.ingest.connection.connected.wait(10)
        client = publisher(1883)
        topic = f"{runtime.ingest.prefix}/v1/{plant.demo['plant']}/GW-LAB/batch"
        database.cut()
        client.publish(topic, _readings(clock, 0, 3, base=18.6), qos=1).wait_for_publish(5)
        # the alarm's commit is waiting for the database, in the broker connection's thread
        assert wait_for(lambda: runtime.engine.retry.failing_since is not None, 10)
        stopper.start()
        stopper.join(15)
        assert not stopper.is_alive(), "stop hung while the database was away"
        client.loop_stop()
        client.disconnect()
    finally:
        database.restore()
        if stopper.ident is None:  # failed before stopping
            runtime.stop()
    assert count(proxied, Alarm) == 0  # not stored, so not acknowledged: the broker redelivers


def _notices(received: Received, kind: str) -> list[dict[str, Any]]:
    return [body for _path, body in received.requests if body.get("subject_type") == kind]


def test_ingest_recovers_from_a_database_outage_by_itself_and_says_it_stalled(
    outage: tuple[Context, Proxy],
    plant: Plant,
    clock: ManualClock,
    webhook: tuple[str, Received],
) -> None:
    require("MQTT", MQTT_URL, 1883)
    proxied, database = outage
    url, received = webhook
    live = live_context(proxied)
    settings = live.settings.model_copy(
        update={
            "ingest_stall_after_s": 1.0,
            "ingest_lag_limit_s": 3.0,
            "operator_contacts": [f"webhook:{url}/ops", "console:platform"],
            "language": "en",
        }
    )
    live = replace(live, settings=settings)
    with TestClient(create_app(live, console=False)) as api:
        runtime: EngineRuntime = api.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.ingest is not None and runtime.ingest.connection.connected.wait(10)
        assert api.get("/readyz").status_code == 200
        client = publisher(1883)
        topic = f"{runtime.ingest.prefix}/v1/{plant.demo['plant']}/GW-LAB/batch"
        client.publish(topic, _readings(clock, 0, 20), qos=1).wait_for_publish(5)
        assert wait_for(lambda: count(proxied, Reading) == 20, 15)

        database.cut()
        client.publish(topic, _readings(clock, 20, 40), qos=1).wait_for_publish(5)
        client.publish(topic, _readings(clock, 40, 45, base=18.6), qos=1).wait_for_publish(5)
        client.publish(topic, _readings(clock, 45, 50), qos=1).wait_for_publish(5)

        def stalled() -> bool:
            answer = api.get("/readyz")
            body = answer.json()
            return answer.status_code == 503 and "ingest_stalled" in body["reasons"]

        assert wait_for(stalled, 20), api.get("/readyz").json()
        outage_answer = api.get("/readyz").json()
        assert outage_answer["status"] == "unavailable"
        assert outage_answer["ingest"]["state"] == "stalled"
        assert outage_answer["ingest"]["pending"] >= 1
        scraped = samples(api.get("/metrics").text)  # and the metrics say so
        assert value(scraped, "hazwatch_ingest_state", state="stalled") == 1
        assert value(scraped, "hazwatch_ingest_pending_messages") >= 1
        assert value(scraped, "hazwatch_db_failures_total", owner="writer") >= 1
        # the operator hears of it while the database is still away
        assert wait_for(lambda: len(_notices(received, STALLED)) == 1, 10)
        told = _notices(received, STALLED)[0]
        assert told["subject"] == translate(
            "ingest.notice.ingest_stalled_subject", "en", state="stalled"
        )
        assert told["organisation_id"] == 0

        database.restore()
        assert wait_for(lambda: count(proxied, Reading) == 50, 30), count(proxied, Reading)
        assert wait_for(lambda: api.get("/readyz").status_code == 200, 30)
        assert wait_for(lambda: len(_notices(received, RECOVERED)) == 1, 15)
        runtime.engine.flush()
        client.loop_stop()
        client.disconnect()
        time.sleep(0.3)  # anything redelivered twice would land now
    assert count(proxied, Reading) == 50
    with proxied.sessions() as session:
        assert session.scalar(select(func.sum(ReadingMinute.count))) == 50
        alarms = session.execute(select(Alarm.condition, Alarm.activations)).all()
        assert [tuple(a) for a in alarms] == [("low", 1)]
        raises = select(func.count()).select_from(AlarmEvent).where(AlarmEvent.event == "raise")
        assert session.scalar(raises) == 1
        rows = session.execute(
            select(Notification.subject_type, Notification.channel, Notification.status)
            .where(Notification.subject_type.in_((STALLED, RECOVERED)))
            .order_by(Notification.id)
        ).all()
    assert len(_notices(received, STALLED)) == 1 and len(_notices(received, RECOVERED)) == 1
    # told once each, and in the outbox with their outcome
    assert sorted(rows) == sorted(
        [
            (STALLED, "webhook", "sent"),
            (STALLED, "console", "sent"),
            (RECOVERED, "webhook", "sent"),
            (RECOVERED, "console", "sent"),
        ]
    )


def test_the_cli_asks_the_server_and_exits_1_with_the_reasons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``hazwatch monitoring ready``: ingest state lives in the serving process, so the
    command asks its /readyz."""
    answer = {
        "status": "unavailable",
        "reason": "ingest_stalled",
        "reasons": ["ingest_stalled", "writes_failing"],
        "database": "ok",
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(answer).encode()
            self.send_response(503 if answer["status"] != "ready" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    try:
        shown = CliRunner().invoke(app, ["monitoring", "ready", "--url", url])
        assert shown.exit_code == 1
        assert translate("ingest.reason.ingest_stalled", "en") in shown.output
        assert translate("ingest.reason.writes_failing", "en") in shown.output
        as_json = CliRunner().invoke(app, ["monitoring", "ready", "--url", url, "--json"])
        assert as_json.exit_code == 1 and json.loads(as_json.stdout) == answer
        answer.update(status="ready", reasons=[])
        assert CliRunner().invoke(app, ["monitoring", "ready", "--url", url]).exit_code == 0
    finally:
        server.shutdown()
        get_settings.cache_clear()
