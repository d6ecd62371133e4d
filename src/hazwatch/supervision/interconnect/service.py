"""The outbound event feed (issue 15 item 8; seed 001 §14: "到2022年6月底，实现市、区和化工园区
监管平台信息互联互通").

* :func:`collect` projects warnings (alarm raised / acknowledged / cleared), dispatches
  (each state reached), findings (registry findings, hidden dangers reported and closed),
  incidents (recorded, each level reported, casualty changes) and reports (task progress
  submitted) into ``feed_event``. Each happening has one stable key, so collecting again
  adds nothing (idempotent). One writer at a time holds a table lock while it writes, so
  event ids commit in order: the id is a cursor a reader can resume from without losing or
  repeating an event.
* :func:`pull` answers the events after a cursor that the caller may see.
* Webhooks: a subscription of a jurisdiction receives its area's events in batches, signed
  with HMAC-SHA256 over ``timestamp.body`` (header ``X-HazWatch-Signature: sha256=<hex>``),
  retried with back-off; its cursor moves only when the platform answered 2xx, so a failed
  batch is sent again (receivers dedupe by event id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.core.settings import Settings
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.hazard_findings.choices import HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry import findings as registry_findings
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision.choices import FeedKind
from hazwatch.supervision.models import (
    DispatchOrder,
    FeedEvent,
    FeedSubscription,
    Incident,
    TaskProgress,
)

#: Events per pull page and per webhook batch, at most.
BATCH = 200
#: Webhook back-off: doubles from one minute up to an hour.
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
TIMEOUT = 5.0
SIGNATURE_HEADER = "X-HazWatch-Signature"
TIMESTAMP_HEADER = "X-HazWatch-Timestamp"
DELIVERY_HEADER = "X-HazWatch-Delivery"


@dataclass(frozen=True)
class Happening:
    key: str
    kind: FeedKind
    action: str
    organisation_id: int | None
    subject_id: str
    occurred_at: datetime
    payload: dict[str, Any]


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def _warnings(session: Session) -> Iterator[Happening]:
    for alarm in session.scalars(select(Alarm).where(Alarm.raised_at.is_not(None))):
        episode = f"alarm:{alarm.id}:{alarm.activations}"
        body = {
            "alarm_id": alarm.id,
            "priority": alarm.priority,
            "condition": alarm.condition,
            "source": alarm.source,
            "room_id": alarm.room_id,
            "site_id": alarm.site_id,
            "value": alarm.value,
            "message_key": alarm.message_key,
            "raised_at": _iso(alarm.raised_at),
        }
        raised = as_utc(alarm.raised_at) if alarm.raised_at else as_utc(alarm.changed_at)
        yield Happening(
            f"{episode}:raised",
            FeedKind.WARNING,
            "raised",
            alarm.organisation_id,
            str(alarm.id),
            raised,
            body,
        )
        if alarm.acked and alarm.acked_at is not None:
            yield Happening(
                f"{episode}:acknowledged",
                FeedKind.WARNING,
                "acknowledged",
                alarm.organisation_id,
                str(alarm.id),
                as_utc(alarm.acked_at),
                {**body, "acked_by": alarm.acked_by},
            )
        if not alarm.active:
            yield Happening(
                f"{episode}:cleared",
                FeedKind.WARNING,
                "cleared",
                alarm.organisation_id,
                str(alarm.id),
                as_utc(alarm.changed_at),
                body,
            )


def _dispatches(session: Session) -> Iterator[Happening]:
    for order in session.scalars(select(DispatchOrder)):
        body = {
            "dispatch_id": order.id,
            "department_id": order.department_id,
            "source_type": order.source_type,
            "source_key": order.source_key,
            "level": order.level,
            "state": order.state,
            "outcome": order.outcome,
        }
        for action, at in (
            ("dispatched", order.dispatched_at),
            ("accepted", order.accepted_at),
            ("verified", order.verified_at),
            ("closed", order.closed_at),
        ):
            if at is not None:
                yield Happening(
                    f"dispatch:{order.id}:{action}",
                    FeedKind.DISPATCH,
                    action,
                    order.organisation_id,
                    str(order.id),
                    as_utc(at),
                    body,
                )


def _findings(session: Session, now: datetime, settings: Settings) -> Iterator[Happening]:
    as_of = registry_findings.AsOf(now, local_date(now, settings.timezone))
    for finding in registry_findings.compute(session, SYSTEM, as_of):
        subject = f"{finding.code}:{finding.object_type}:{finding.object_id}"
        yield Happening(
            f"finding:{subject}:opened",
            FeedKind.FINDING,
            "registry_finding",
            finding.organisation_id,
            subject,
            now,
            {
                "code": finding.code,
                "severity": str(finding.severity),
                "object_type": finding.object_type,
                "object_id": finding.object_id,
                "message_key": finding.message_key,
            },
        )
    for danger in session.scalars(select(HazardFinding)):
        body = {
            "hidden_danger_id": danger.id,
            "number": danger.number,
            "title": danger.title,
            "grade": danger.grade,
            "state": danger.state,
            "deadline": _iso(danger.deadline),
        }
        yield Happening(
            f"hidden_danger:{danger.id}:reported",
            FeedKind.FINDING,
            "hidden_danger_reported",
            danger.organisation_id,
            str(danger.id),
            as_utc(danger.reported_at),
            body,
        )
        if danger.state == HazardState.CLOSED:
            yield Happening(
                f"hidden_danger:{danger.id}:closed",
                FeedKind.FINDING,
                "hidden_danger_closed",
                danger.organisation_id,
                str(danger.id),
                now,
                body,
            )


def _incidents(session: Session) -> Iterator[Happening]:
    for incident in session.scalars(select(Incident)):
        body = {
            "incident_id": incident.id,
            "title": incident.title,
            "grade": incident.grade,
            "deaths": incident.deaths,
            "serious_injuries": incident.serious_injuries,
            "direct_loss_yuan": str(incident.direct_loss_yuan),
            "occurred_at": _iso(incident.occurred_at),
        }
        org = incident.organisation_id
        yield Happening(
            f"incident:{incident.id}:recorded",
            FeedKind.INCIDENT,
            "recorded",
            org,
            str(incident.id),
            as_utc(incident.recorded_at),
            body,
        )
        for report in incident.reports:
            yield Happening(
                f"incident:{incident.id}:report:{report.level}",
                FeedKind.INCIDENT,
                "reported",
                org,
                str(incident.id),
                as_utc(report.reported_at),
                {**body, "level": report.level, "recipient": report.recipient},
            )
        for change in incident.changes:
            yield Happening(
                f"incident:{incident.id}:casualty:{change.id}",
                FeedKind.INCIDENT,
                "casualty_change",
                org,
                str(incident.id),
                as_utc(change.at),
                {**body, "grade_before": change.grade_before, "grade_after": change.grade_after},
            )


def _reports(session: Session) -> Iterator[Happening]:
    for report in session.scalars(select(TaskProgress)):
        yield Happening(
            f"task_progress:{report.id}:{_iso(report.submitted_at)}",
            FeedKind.REPORT,
            "progress_submitted",
            report.organisation_id,
            str(report.task_id),
            as_utc(report.submitted_at),
            {
                "task_id": report.task_id,
                "kind": report.kind,
                "period": report.period.isoformat(),
                "status": report.status,
                "late": report.late,
            },
        )


def happenings(
    session: Session, now: datetime, settings: Settings, *, with_findings: bool = True
) -> list[Happening]:
    """Everything the feed carries, oldest first; registry findings are computed (the dear
    part), so the engine tick asks for them less often."""
    found = [
        *_warnings(session),
        *_dispatches(session),
        *(_findings(session, now, settings) if with_findings else ()),
        *_incidents(session),
        *_reports(session),
    ]
    return sorted(found, key=lambda h: h.occurred_at)  # stable: a life keeps its order


def _lock(session: Session) -> None:
    """One writer at a time until commit, so ids become visible in order (PostgreSQL;
    SQLite writers are serialised already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE feed_event IN EXCLUSIVE MODE"))


def collect(
    session: Session, now: datetime, settings: Settings, *, with_findings: bool = True
) -> int:
    """Add the happenings not in the feed yet; returns how many were added."""
    _lock(session)
    candidates = happenings(session, now, settings, with_findings=with_findings)
    known: set[str] = set()
    keys = [h.key for h in candidates]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(session.scalars(select(FeedEvent.key).where(FeedEvent.key.in_(chunk))))
    added = 0
    for happening in candidates:
        if happening.key in known:
            continue
        known.add(happening.key)
        session.add(
            FeedEvent(
                key=happening.key,
                kind=happening.kind,
                action=happening.action,
                organisation_id=happening.organisation_id,
                subject_id=happening.subject_id,
                occurred_at=happening.occurred_at,
                recorded_at=now,
                payload=happening.payload,
            )
        )
        added += 1
    session.flush()
    return added


# -- reading ----------------------------------------------------------------------------------


def event_dict(event: FeedEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "key": event.key,
        "kind": event.kind,
        "action": event.action,
        "organisation_id": event.organisation_id,
        "subject_id": event.subject_id,
        "occurred_at": _iso(event.occurred_at),
        "recorded_at": _iso(event.recorded_at),
        "payload": event.payload,
    }


def _after(
    cursor: int, organisations: Iterable[int] | None, kinds: Iterable[FeedKind] | None
) -> Select[FeedEvent]:
    query = select(FeedEvent).where(FeedEvent.id > cursor).order_by(FeedEvent.id)
    if organisations is not None:
        query = query.where(FeedEvent.organisation_id.in_(list(organisations)))
    if kinds:
        query = query.where(FeedEvent.kind.in_([str(k) for k in kinds]))
    return query


def pull(
    session: Session,
    principal: Principal,
    cursor: int,
    limit: int = BATCH,
    kinds: Iterable[FeedKind] | None = None,
) -> tuple[list[FeedEvent], int]:
    """The events after ``cursor`` the caller sees (regulators and the platform), and the
    cursor to resume from (the last id given, or ``cursor`` when there was none)."""
    _regulator(principal)
    visible = visible_organisations(session, principal)
    events = list(session.scalars(_after(cursor, visible, kinds).limit(min(limit, BATCH))))
    return events, events[-1].id if events else cursor


def latest(session: Session, principal: Principal, count: int) -> list[FeedEvent]:
    """The newest events the caller sees, newest first (the console's view)."""
    _regulator(principal)
    visible = visible_organisations(session, principal)
    query = select(FeedEvent).order_by(FeedEvent.id.desc()).limit(count)
    if visible is not None:
        query = query.where(FeedEvent.organisation_id.in_(list(visible)))
    return list(session.scalars(query))


# -- subscriptions and webhook delivery ------------------------------------------------------


def _regulator(principal: Principal) -> None:
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")


def _area(session: Session, principal: Principal, jurisdiction_id: int) -> None:
    _regulator(principal)
    if session.get(Jurisdiction, jurisdiction_id) is None:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    if principal.is_platform_admin:
        return
    area = (
        jurisdiction_subtree(session, principal.jurisdiction_id)
        if principal.jurisdiction_id is not None
        else set()
    )
    if jurisdiction_id not in area:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)


def subscribe(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    jurisdiction_id: int,
    name: str,
    url: str,
    from_cursor: int = 0,
) -> FeedSubscription:
    """A platform following the jurisdiction's events; its signing key is answered once."""
    _area(session, principal, jurisdiction_id)
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput("supervision.feed.bad_url", field="url")
    if not name.strip():
        raise InvalidInput("supervision.feed.name_required", field="name")
    subscription = FeedSubscription(
        jurisdiction_id=jurisdiction_id,
        name=name,
        url=url,
        signing_secret=secrets.token_hex(32),
        active=True,
        cursor=from_cursor,
        failures=0,
        last_error="",
        created_at=now,
        created_by=principal.username,
    )
    session.add(subscription)
    session.flush()
    return subscription


def subscriptions(session: Session, principal: Principal) -> list[FeedSubscription]:
    _regulator(principal)
    query = select(FeedSubscription).order_by(FeedSubscription.id)
    if not principal.is_platform_admin:
        area = (
            jurisdiction_subtree(session, principal.jurisdiction_id)
            if principal.jurisdiction_id is not None
            else set()
        )
        query = query.where(FeedSubscription.jurisdiction_id.in_(area))
    return list(session.scalars(query))


def get_subscription(
    session: Session, principal: Principal, subscription_id: int
) -> FeedSubscription:
    found = session.get(FeedSubscription, subscription_id)
    if found is None or found not in subscriptions(session, principal):
        raise NotFound("scope.not_found", field="subscription_id", id=subscription_id)
    return found


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` HMAC-SHA256 of ``timestamp.body`` with the subscription's key."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


Post = Callable[[str, bytes, dict[str, str]], int]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    try:
        return httpx.post(url, content=body, headers=headers, timeout=TIMEOUT).status_code
    except httpx.HTTPError:
        return 0


def _organisations_of(session: Session, jurisdiction_id: int) -> list[int]:
    area = jurisdiction_subtree(session, jurisdiction_id)
    return list(
        session.scalars(select(Organisation.id).where(Organisation.jurisdiction_id.in_(area)))
    )


def deliver(
    session: Session, now: datetime, subscription: FeedSubscription, post: Post = http_post
) -> int:
    """Send the next batch after the subscription's cursor; returns the events delivered
    (0 when there was nothing, or it failed: then the cursor stays and a retry is set)."""
    organisations = _organisations_of(session, subscription.jurisdiction_id)
    events = list(session.scalars(_after(subscription.cursor, organisations, None).limit(BATCH)))
    if not events:
        return 0
    body = json.dumps(
        {
            "subscription_id": subscription.id,
            "events": [event_dict(e) for e in events],
            "cursor": events[-1].id,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(subscription.signing_secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
        DELIVERY_HEADER: f"{subscription.id}:{events[0].id}-{events[-1].id}",
    }
    status = post(subscription.url, body, headers)
    if 200 <= status < 300:
        subscription.cursor = events[-1].id
        subscription.failures = 0
        subscription.next_attempt_at = None
        subscription.last_error = ""
        subscription.last_delivered_at = now
        session.flush()
        return len(events)
    subscription.failures += 1
    wait = min(FIRST_RETRY * 2 ** (subscription.failures - 1), LAST_RETRY)
    subscription.next_attempt_at = now + wait
    subscription.last_error = f"HTTP {status}" if status else "unreachable"
    session.flush()
    return 0


def any_active(session: Session) -> bool:
    return (
        session.scalar(
            select(FeedSubscription.id).where(FeedSubscription.active.is_(True)).limit(1)
        )
        is not None
    )


def deliver_due(session: Session, now: datetime, post: Post = http_post) -> int:
    """Every active subscription whose retry time has come; returns events delivered."""
    delivered = 0
    for subscription in session.scalars(
        select(FeedSubscription)
        .where(FeedSubscription.active.is_(True))
        .order_by(FeedSubscription.id)
    ):
        if subscription.next_attempt_at is not None and as_utc(subscription.next_attempt_at) > now:
            continue
        delivered += deliver(session, now, subscription, post)
    return delivered
