"""The process-wide context: settings, engine, session factory and clock.

Built once by the edge that starts HazWatch (``serve``, a CLI command, a test) and handed to
whatever needs it, so nothing reaches for globals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hazwatch.core.audit import service as audit
from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.clock import Clock, SystemClock
from hazwatch.core.db import import_all_models, make_engine, make_session_factory, session_scope
from hazwatch.core.settings import Settings


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    @contextmanager
    def unit_of_work(self, principal: Principal = SYSTEM) -> Iterator[Session]:
        """A committed-or-rolled-back transaction acting as ``principal``."""
        with session_scope(self.sessions, principal=principal) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def build_context(settings: Settings, clock: Clock | None = None) -> Context:
    import_all_models()
    audit.install()
    engine = make_engine(settings.effective_database_url)
    return Context(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        clock=clock or SystemClock(),
    )
