"""Interconnection (issue 15 item 8): the pull feed resumes from a cursor with no event lost
or repeated, collecting is idempotent, webhooks are signed and retried, the feed is scoped
to the jurisdiction, and a city registry file is checked (duplicates, conflicts) before it
is applied."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.supervision.interconnect import service
from hazwatch.supervision.models import FeedEvent, FeedSubscription
from hazwatch.supervision.watch import FeedWatch
from tests.conftest import error_code
from tests.supervision.test_dispatch import low_o2_alarm

Login = Callable[..., dict[str, str]]


def district(login_as: Login, demo: DemoIds) -> dict[str, str]:
    return login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"])


def collect(context: Context) -> int:
    with context.unit_of_work() as session:
        return service.collect(session, context.clock.now(), context.settings)


def test_the_pull_feed_resumes_from_a_cursor_with_no_event_lost_or_repeated(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    ema = district(login_as, demo)
    low_o2_alarm(context, demo)
    order = next(
        o
        for o in client.post("/api/supervision/dispatches/scan", headers=ema).json()
        if o["source_type"] == "alarm"
    )
    FeedWatch(context).tick(clock.now())
    assert collect(context) == 0  # idempotent: the same happenings are the same events
    seen: list[int] = []
    cursor = 0
    page = client.get("/api/supervision/feed", params={"after": 0, "limit": 5}, headers=ema)
    assert page.status_code == 200
    seen += [e["id"] for e in page.json()["events"]]
    cursor = page.json()["cursor"]
    assert cursor == seen[-1]
    # meanwhile the order is worked and new events land
    path = f"/api/supervision/dispatches/{order['id']}"
    client.post(f"{path}/accept", headers=ema).raise_for_status()
    clock.advance(timedelta(minutes=2))
    client.post(
        f"{path}/verify", json={"outcome": "false_alarm", "notes": "已复核"}, headers=ema
    ).raise_for_status()
    client.post(f"{path}/close", headers=ema).raise_for_status()
    assert collect(context) == 3
    while True:
        page = client.get(
            "/api/supervision/feed", params={"after": cursor, "limit": 5}, headers=ema
        ).json()
        if not page["events"]:
            assert page["cursor"] == cursor
            break
        seen += [e["id"] for e in page["events"]]
        cursor = page["cursor"]
    assert seen == sorted(set(seen))  # in order, none repeated
    everything = client.get("/api/supervision/feed", params={"limit": 200}, headers=ema).json()
    assert [e["id"] for e in everything["events"]] == seen  # none lost
    actions = [
        e["action"]
        for e in everything["events"]
        if e["kind"] == "dispatch" and e["subject_id"] == str(order["id"])
    ]
    assert actions == ["dispatched", "accepted", "verified", "closed"]
    kinds = {e["kind"] for e in everything["events"]}
    assert {"warning", "dispatch", "finding"} <= kinds  # the demo clock is before 2·7
    only = client.get("/api/supervision/feed", params={"kind": "warning"}, headers=ema).json()[
        "events"
    ]
    assert only and {e["kind"] for e in only} == {"warning"}
    bad = client.get("/api/supervision/feed", params={"after": -1}, headers=ema)
    assert bad.status_code == 422


def test_the_feed_is_scoped_to_the_jurisdiction(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    low_o2_alarm(context, demo)
    collect(context)
    with context.unit_of_work() as session:
        other = Jurisdiction(kind="district", name="别区", code="330300")
        session.add(other)
        session.flush()
        other_id = other.id
    elsewhere = login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=other_id)
    assert client.get("/api/supervision/feed", headers=elsewhere).json()["events"] == []
    refused = client.post(
        "/api/supervision/feed/subscriptions",
        json={"jurisdiction_id": demo["district"], "name": "市平台", "url": "http://x.test/h"},
        headers=elsewhere,
    )
    assert refused.status_code == 404
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    streets = client.get("/api/supervision/feed", params={"limit": 200}, headers=street).json()
    with context.sessions() as session:
        lab_street = session.get(Organisation, demo["lab"])
        assert lab_street is not None
    assert all(e["organisation_id"] is not None for e in streets["events"])
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.get("/api/supervision/feed", headers=lab).status_code == 403


def test_webhook_deliveries_are_signed_and_retried_until_accepted(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    ema = district(login_as, demo)
    bad = client.post(
        "/api/supervision/feed/subscriptions",
        json={"jurisdiction_id": demo["district"], "name": "市平台", "url": "ftp://x"},
        headers=ema,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "url"
    made = client.post(
        "/api/supervision/feed/subscriptions",
        json={
            "jurisdiction_id": demo["district"],
            "name": "市应急指挥平台",
            "url": "http://city.test/hook",
        },
        headers=ema,
    )
    assert made.status_code == 201
    secret, ident = made.json()["signing_secret"], made.json()["id"]
    assert (
        "signing_secret"
        not in client.get("/api/supervision/feed/subscriptions", headers=ema).json()[0]
    )
    with context.sessions() as session:
        logged = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "feed_subscription")
        ).all()
        assert logged and all("signing_secret" not in e.changes for e in logged)
    low_o2_alarm(context, demo)
    collect(context)
    sent: list[tuple[bytes, dict[str, str]]] = []
    answers = [503, 200]

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        assert url == "http://city.test/hook"
        sent.append((body, headers))
        return answers.pop(0) if answers else 200

    def subscription() -> FeedSubscription:
        with context.sessions() as session:
            found = session.get(FeedSubscription, ident)
            assert found is not None
            return found

    with context.unit_of_work() as session:
        assert service.deliver_due(session, clock.now(), post) == 0  # 503
    failed = subscription()
    assert failed.cursor == 0 and failed.failures == 1 and failed.last_error == "HTTP 503"
    with context.unit_of_work() as session:
        assert service.deliver_due(session, clock.now() + timedelta(seconds=30), post) == 0
    assert len(sent) == 1  # not before the retry time
    with context.unit_of_work() as session:
        delivered = service.deliver_due(session, clock.now() + timedelta(minutes=1), post)
    assert delivered > 0 and len(sent) == 2
    body, headers = sent[1]
    assert body == sent[0][0]  # the same batch again: receivers dedupe by event id
    expected = hmac.new(
        secret.encode(), headers["X-HazWatch-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-HazWatch-Signature"] == f"sha256={expected}"
    batch = json.loads(body)
    assert subscription().cursor == batch["cursor"] == batch["events"][-1]["id"]
    with context.unit_of_work() as session:
        assert service.deliver_due(session, clock.now() + timedelta(minutes=2), post) == 0
    assert len(sent) == 2  # nothing new: nothing sent


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    out.write("name,credit_code,kind,jurisdiction_code,address\n")
    for row in rows:
        out.write(",".join(row) + "\n")
    return out.getvalue().encode("utf-8")


def test_a_city_registry_file_is_checked_before_it_is_applied(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    ema = district(login_as, demo)
    with context.sessions() as session:
        lab = session.get(Organisation, demo["lab"])
        chem = session.get(Organisation, demo["chem"])
        assert lab is not None and chem is not None
        district_code = session.get(Jurisdiction, demo["district"]).code  # type: ignore[union-attr]
        lab_row = [lab.name, lab.credit_code, "enterprise", "", ""]
        chem_code, lab_jurisdiction = chem.credit_code, lab.jurisdiction_id
    new_code = credit_code("91330299MA2X00011")
    rows = [
        ["新锐低温科技有限公司", new_code, "enterprise", str(district_code), "龙山路1号"],
        lab_row,
        ["改名化工有限公司", chem_code, "enterprise", "", ""],
        ["新锐低温科技有限公司", new_code, "enterprise", "", ""],
        ["坏代码公司", "123", "enterprise", "", ""],
    ]
    del lab_jurisdiction

    def count() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(Organisation.id))) or 0)

    before = count()
    checked = client.post(
        "/api/supervision/import/organisations",
        files={"file": ("city.csv", _csv(rows), "text/csv")},
        headers=ema,
    )
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert [r["status"] for r in report["rows"]] == [
        "new",
        "duplicate",
        "conflict",
        "duplicate_in_file",
        "invalid",
    ]
    assert report["rows"][2]["field"] == "name" and report["rows"][2]["existing_id"] == demo["chem"]
    assert report["rows"][4]["field"] == "credit_code"
    assert not report["applied"] and count() == before
    refused = client.post(
        "/api/supervision/import/organisations",
        files={"file": ("city.csv", _csv(rows), "text/csv")},
        data={"apply": "true"},
        headers=ema,
    )
    assert refused.status_code == 409 and error_code(refused) == "supervision.import.unresolved"
    assert count() == before
    applied = client.post(
        "/api/supervision/import/organisations",
        files={"file": ("city.csv", _csv(rows), "text/csv")},
        data={"apply": "true", "skip_conflicts": "true"},
        headers=ema,
    ).json()
    assert applied["applied"] and applied["new"] == 1 and count() == before + 1
    created = applied["rows"][0]["created_id"]
    with context.sessions() as session:
        assert session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.entity_type == "organisation", AuditEntry.entity_id == str(created)
            )
        )
    # the same file again: now a duplicate, nothing to add
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "credit_code", "kind"])
    sheet.append(rows[0][:3])
    out = io.BytesIO()
    book.save(out)
    again = client.post(
        "/api/supervision/import/organisations",
        files={"file": ("city.xlsx", out.getvalue(), "application/octet-stream")},
        headers=ema,
    ).json()
    assert [r["status"] for r in again["rows"]] == ["duplicate"]
    wrong = client.post(
        "/api/supervision/import/organisations",
        files={"file": ("city.txt", b"x", "text/plain")},
        headers=ema,
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "file"
    lab_user = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert (
        client.post(
            "/api/supervision/import/organisations",
            files={"file": ("city.csv", _csv(rows), "text/csv")},
            headers=lab_user,
        ).status_code
        == 403
    )


def test_collecting_twice_adds_nothing(context: Context, demo: DemoIds) -> None:
    low_o2_alarm(context, demo)
    first = collect(context)
    assert first > 0 and collect(context) == 0
    with context.sessions() as session:
        keys = session.scalars(select(FeedEvent.key)).all()
    assert len(keys) == len(set(keys)) == first
