"""Following the audit chain: which rows of some audited tables changed, in any process.

Every change to an audited table is an entry of the chain, committed with the change, and
writers queue on the head row's lock, so entries become visible in the order of their
sequence numbers. The entries after the committed head a follower saw last are therefore
exactly the changes committed since, whichever process made them (the API, the CLI, a
console page, another worker). Looking costs one read of the head row while nothing was
committed; entries of other tables (a busy worker's own work) are left out by the query.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.audit.models import AuditChainHead, AuditEntry
from hazwatch.core.audit.service import observe

#: Table name: primary keys (as the audit entry writes them) of its rows that changed.
Changed = dict[str, set[str]]


def committed_head(session: Session) -> int:
    """The sequence number of the newest committed entry (0: none yet)."""
    head = session.scalar(select(AuditChainHead.seq).where(AuditChainHead.id == 1)) or 0
    observe(str(session.connection().engine.url), head)
    return head


class ChainFollower:
    """What changed in ``tables`` since :meth:`start` or the last :meth:`poll`. Its owner
    serialises :meth:`start` and :meth:`poll` (the engine under its lock)."""

    def __init__(self, tables: Iterable[str]) -> None:
        self.tables = frozenset(tables)
        self._seen: int | None = None

    def start(self, session: Session) -> None:
        """Look from now on. Called before the tables are read, so that a change committed
        in between is reported by the next poll (read twice, never missed)."""
        self._seen = committed_head(session)

    def moved(self, session: Session) -> bool:
        """Whether anything was committed since the follower last looked (a read of the head
        alone: callers may ask without the lock that serialises :meth:`poll`)."""
        return committed_head(session) != self._seen

    def poll(self, session: Session) -> Changed | None:
        """The changed rows by table; None when the chain went back (the database was
        restored or replaced), so that anything may have changed."""
        head = committed_head(session)
        seen, self._seen = self._seen, head
        if seen is None or head == seen:
            return {}
        if head < seen:
            return None
        changed: Changed = {}
        rows = session.execute(
            select(AuditEntry.entity_type, AuditEntry.entity_id).where(
                AuditEntry.id > seen,
                AuditEntry.id <= head,
                AuditEntry.entity_type.in_(self.tables),
            )
        )
        for table, key in rows:
            changed.setdefault(table, set()).add(key)
        return changed
