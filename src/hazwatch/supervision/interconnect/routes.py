"""Interconnection over HTTP (issue 15 item 8): the cursor-based pull feed, webhook
subscriptions (signed, retried) and the city registry import (dry run, then apply)."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Request, UploadFile

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Count, Id, Router, up_to
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.supervision.choices import FeedKind
from hazwatch.supervision.interconnect import importer, service, views
from hazwatch.supervision.interconnect.schemas import (
    EventOut,
    FeedPage,
    ImportOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
)

router = Router(prefix="/api/supervision", tags=["supervision"])


@router.get("/feed", response_model=FeedPage)
def pull_feed(
    db: DbSession,
    principal: CurrentPrincipal,
    after: Count = 0,
    limit: Annotated[int, up_to(service.BATCH)] = 100,
    kind: FeedKind | None = None,
) -> FeedPage:
    """The events after the cursor ``after`` the caller sees (warnings, dispatches,
    findings, incidents, reports), oldest first; resume from the answer's ``cursor``."""
    events, cursor = service.pull(db, principal, after, limit, [kind] if kind else None)
    return FeedPage(events=[EventOut(**service.event_dict(e)) for e in events], cursor=cursor)


@router.get("/feed/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(db: DbSession, principal: CurrentPrincipal) -> list[SubscriptionOut]:
    return [SubscriptionOut.model_validate(s) for s in service.subscriptions(db, principal)]


@router.post("/feed/subscriptions", status_code=201, response_model=SubscriptionCreated)
def subscribe(
    body: SubscriptionIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> SubscriptionCreated:
    """A city or park platform following the jurisdiction's events by webhook; the signing
    key (HMAC-SHA256) is answered this once."""
    made = service.subscribe(db, principal, get_context(request).clock.now(), **body.model_dump())
    return SubscriptionCreated.model_validate(made)


@router.post("/feed/subscriptions/{subscription_id}/deliver", response_model=SubscriptionOut)
def deliver_now(
    subscription_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> SubscriptionOut:
    """Send the next batch now (the engine tick does it on its own, with retries)."""
    found = service.get_subscription(db, principal, subscription_id)
    service.deliver(db, get_context(request).clock.now(), found)
    return SubscriptionOut.model_validate(found)


@router.post("/import/organisations", response_model=ImportOut)
def import_organisations(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
    apply: Annotated[bool, Form()] = False,
    skip_conflicts: Annotated[bool, Form()] = False,
) -> ImportOut:
    """Check a city registry file (CSV or .xlsx) row by row: new, duplicate, conflict,
    invalid. ``apply`` stores the new rows, refused while conflicts remain unless
    ``skip_conflicts``."""
    data = file.file.read(importer.MAX_BYTES + 1)
    report = importer.run(
        db,
        principal,
        filename=file.filename or "",
        data=data,
        apply=apply,
        skip_conflicts=skip_conflicts,
    )
    return views.import_out(report, language_of(request))
