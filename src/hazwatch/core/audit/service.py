"""Automatic audit capture on flush, the hash chain, and its verification.

Any mapped class with ``__audited__ = True`` is recorded on create, update and delete,
whatever code path changed it, so no service can forget. The acting principal is read from
``Session.info["principal"]`` (set by the request, CLI command or engine that owns the
transaction); without one the actor is ``system``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from hazwatch.core.audit.models import CURRENT_SCHEME, GENESIS_HASH, AuditChainHead, AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.clock import utcnow

#: Columns never copied into the audit trail.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret_hash", "signing_secret"})


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Any) -> Iterator[str]:
    for attr in inspect(type(obj)).column_attrs:
        if attr.key not in SECRET_COLUMNS:
            yield attr.key


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _plain(getattr(obj, key)) for key in _columns(obj)}


def _diff(obj: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in _columns(obj):
        history = get_history(obj, key)
        if history.has_changes() and history.deleted != history.added:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_plain(old), _plain(new)]
    return changes


def _organisation_of(obj: Any) -> int | None:
    value = getattr(obj, "audit_organisation_id", None)
    if value is None:
        value = getattr(obj, "organisation_id", None)
    return value if isinstance(value, int) else None


def _entity_id(obj: Any) -> str:
    identity = inspect(obj).identity
    return ",".join(str(part) for part in identity) if identity else ""


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    changes: dict[str, Any],
    prev_hash: str,
) -> str:
    """Scheme 1: entries written before revision 0011 keep this hash (it leaves out the
    organisation, the actor's user id and the scheme)."""
    payload = json.dumps(
        [seq, at.isoformat(), actor, action, entity_type, entity_id, changes, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


#: Every column of an audit entry but its own hash: scheme 2 hashes all of them, so moving
#: an entry to another organisation or actor breaks the chain. A test keeps this list equal
#: to the table's columns.
SCHEME_2_COLUMNS = (
    "id",
    "at",
    "actor",
    "actor_user_id",
    "action",
    "entity_type",
    "entity_id",
    "organisation_id",
    "changes",
    "prev_hash",
    "scheme",
)


def entry_hash_v2(row: dict[str, Any]) -> str:
    """Scheme 2: the SHA-256 of every column of the entry (its hash aside) as sorted JSON."""
    fields = {name: _plain(row[name]) for name in SCHEME_2_COLUMNS}
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def hash_of(entry: AuditEntry) -> str | None:
    """The hash an entry should carry under its own scheme (None for an unknown scheme)."""
    if entry.scheme == 1:
        return entry_hash(
            entry.id,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity_type,
            entry.entity_id,
            entry.changes,
            entry.prev_hash,
        )
    if entry.scheme == 2:
        return entry_hash_v2({name: getattr(entry, name) for name in SCHEME_2_COLUMNS})
    return None


@dataclass(frozen=True, slots=True)
class PendingEntry:
    action: str
    entity_type: str
    entity_id: str
    organisation_id: int | None
    changes: dict[str, Any]


def _changed(session: Session) -> list[PendingEntry]:
    """Updates and deletes of audited objects, read before flush while history exists."""
    entries: list[PendingEntry] = []
    for action, objects in (("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            changes = _diff(obj) if action == "update" else _snapshot(obj)
            if changes:
                entries.append(
                    PendingEntry(
                        action=action,
                        entity_type=type(obj).__tablename__,
                        entity_id=_entity_id(obj),
                        organisation_id=_organisation_of(obj),
                        changes=changes,
                    )
                )
    return entries


_revision = 0
_revision_lock = threading.Lock()
#: The committed chain head last seen by a follower, per database (:func:`observe`).
_observed: dict[str, int] = {}


def revision() -> int:
    """Counts commits of audited changes in this process, and the moves of the chain head
    that a follower (:mod:`hazwatch.core.audit.follow`, each engine tick) saw, so commits of
    other processes count too: caches of safety data compare it to know they are stale
    without asking the database."""
    return _revision


def _bump() -> None:
    global _revision
    with _revision_lock:
        _revision += 1


def _count_commit(session: Session) -> None:
    if session.info.pop("_audited", False):
        _bump()


def observe(database: str, head: int) -> None:
    """A follower read ``head`` as the committed head of ``database``'s chain: a head other
    than the one seen last means audited changes were committed (by whichever process)."""
    with _revision_lock:
        if _observed.get(database) == head:
            return
        _observed[database] = head
    _bump()


def append(session: Session, principal: Principal, entries: Iterable[PendingEntry]) -> None:
    """Append entries to the chain; the head row's lock orders concurrent writers."""
    entries = list(entries)
    if not entries:
        return
    session.info["_audited"] = True
    connection = session.connection()
    head = connection.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(seq=AuditChainHead.seq + len(entries))
        .returning(AuditChainHead.seq, AuditChainHead.last_hash)
    ).one()
    seq = head.seq - len(entries)
    prev = head.last_hash
    at = utcnow()
    rows = []
    for entry in entries:
        seq += 1
        row: dict[str, Any] = {
            "id": seq,
            "at": at,
            "actor": principal.username,
            "actor_user_id": principal.user_id,
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "organisation_id": entry.organisation_id,
            "changes": entry.changes,
            "prev_hash": prev,
            "scheme": CURRENT_SCHEME,
        }
        row["hash"] = prev = entry_hash_v2(row)
        rows.append(row)
    connection.execute(insert(AuditEntry), rows)
    connection.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=prev))


def install(session_class: type[Session] = Session) -> None:
    """Register the flush hooks (idempotent)."""
    if event.contains(session_class, "after_flush_postexec", _record_after_flush):
        return
    event.listen(session_class, "before_flush", _collect_before_flush)
    event.listen(session_class, "after_flush_postexec", _record_after_flush)
    event.listen(session_class, "after_commit", _count_commit)


def _collect_before_flush(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    """Collect updates and deletes before flush (history is gone afterwards)."""
    session.info.setdefault("_audit_new", []).extend(
        obj for obj in session.new if getattr(obj, "__audited__", False)
    )
    session.info.setdefault("_audit_pending", []).extend(_changed(session))


def _record_after_flush(session: Session, _ctx: UOWTransaction) -> None:
    """Creates are recorded after flush, once their primary keys exist."""
    created = session.info.pop("_audit_new", [])
    pending: list[PendingEntry] = session.info.pop("_audit_pending", [])
    for obj in created:
        pending.append(
            PendingEntry(
                action="create",
                entity_type=type(obj).__tablename__,
                entity_id=_entity_id(obj),
                organisation_id=_organisation_of(obj),
                changes=_snapshot(obj),
            )
        )
    if pending:
        append(session, session.info.get("principal") or SYSTEM, pending)


@dataclass(frozen=True, slots=True)
class Head:
    """The chain's newest entry: kept outside the database (an anchor), it reveals a chain
    rolled back or rewritten later, which a chain checked only against itself cannot."""

    id: int
    hash: str
    count: int
    time: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hash": self.hash,
            "count": self.count,
            "time": self.time.isoformat() if self.time else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> Head:
        """An anchor read back; ``ValueError`` names what is missing or malformed."""
        if not isinstance(data, dict):
            raise ValueError("audit.anchor.invalid")
        try:
            ident, digest, count = data["id"], data["hash"], data["count"]
            time = datetime.fromisoformat(data["time"]) if data.get("time") else None
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("audit.anchor.invalid") from exc
        if not (isinstance(ident, int) and isinstance(count, int) and isinstance(digest, str)):
            raise ValueError("audit.anchor.invalid")
        if ident < 0 or count < 0 or len(digest) != 64:
            raise ValueError("audit.anchor.invalid")
        return cls(ident, digest, count, time)


def head(session: Session) -> Head:
    """The chain head as the database holds it now."""
    row = session.get(AuditChainHead, 1)
    seq, digest = (row.seq, row.last_hash) if row is not None else (0, GENESIS_HASH)
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    time = session.scalar(select(AuditEntry.at).where(AuditEntry.id == seq)) if seq else None
    return Head(seq, digest, count, time)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    entries: int
    first_bad_id: int | None = None
    reason: str | None = None
    head: Head | None = None


def verify(session: Session, anchor: Head | None = None) -> VerifyReport:
    """Recompute every hash and link under each entry's scheme; report the first entry that
    does not match. With an ``anchor`` (a head exported earlier), the chain must still hold
    that entry with that hash: a tail deleted with the head rolled back, or a chain rewritten
    and rehashed, verifies against itself but not against its anchor."""
    prev = GENESIS_HASH
    expected = 0
    count = 0
    current = head(session)

    def failed(bad_id: int | None, reason: str) -> VerifyReport:
        return VerifyReport(False, count, bad_id, reason, current)

    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        expected += 1
        count += 1
        if entry.id != expected:
            return failed(entry.id, "audit.verify.gap")
        if entry.prev_hash != prev:
            return failed(entry.id, "audit.verify.broken_link")
        if hash_of(entry) != entry.hash:
            return failed(entry.id, "audit.verify.hash_mismatch")
        if anchor is not None and entry.id == anchor.id and entry.hash != anchor.hash:
            return failed(entry.id, "audit.verify.rewritten")
        prev = entry.hash
    row = session.get(AuditChainHead, 1)
    if row is not None and (row.seq != expected or row.last_hash != prev):
        return failed(None, "audit.verify.truncated")
    if anchor is not None and (count < anchor.id or count < anchor.count):
        return failed(anchor.id, "audit.verify.rolled_back")
    return VerifyReport(True, count, head=current)
