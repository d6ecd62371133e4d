"""The demo restored from its snapshot is the demo the loader writes (tests/demo_snapshot.py).

Every test that loads the demo after the first one in its process gets the restore, so a
difference here would be a difference in what those tests prove."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

import hazwatch.demo as full_demo
import hazwatch.registry.demo as registry_demo
from hazwatch.core.context import Context
from hazwatch.core.db import Base
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Organisation
from tests import demo_snapshot
from tests.conftest import _reset


def _dump(connection: Connection) -> dict[str, Any]:
    """Every row of every table, the sequences, in an order that does not depend on how
    the rows were written."""
    tables = {
        table.name: sorted(
            repr(tuple(row)) for row in connection.exec_driver_sql(f'SELECT * FROM "{table.name}"')
        )
        for table in Base.metadata.sorted_tables
    }
    if connection.dialect.name == "postgresql":
        sequences = connection.exec_driver_sql(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() ORDER BY 1"
        ).all()
    else:
        sequences = []
    return {"tables": tables, "sequences": [tuple(row) for row in sequences]}


def _counts(context: Context) -> dict[str, int]:
    with context.engine.connect() as connection:
        return {
            table.name: int(
                connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar() or 0
            )
            for table in Base.metadata.sorted_tables
        }


def _pending(session: Session) -> dict[str, Any]:
    return {k: v for k, v in session.info.items() if k != "principal"}


@pytest.mark.parametrize("kind", ["full", "registry"])
def test_a_restored_demo_is_the_loaded_demo_row_for_row(
    context: Context, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})

    def load(session: Session) -> registry_demo.DemoIds:
        if kind == "full":
            return full_demo.load(session, Moment.of(context))
        return registry_demo.load_demo(session)

    assert getattr(full_demo.load, "__wrapped__", None) is not None

    loaded: list[tuple[registry_demo.DemoIds, dict[str, Any], dict[str, Any], dict[str, int]]]
    loaded = []
    for _ in range(2):  # the real load (it takes the snapshot), then the restore
        _reset(context.engine)
        with context.unit_of_work() as session:
            ids = load(session)
            session.flush()
            state = _dump(session.connection())
            pending = _pending(session)
        loaded.append((ids, state, pending, _counts(context)))
    assert len(demo_snapshot._snapshots) == 1
    (real_ids, real, real_pending, real_counts), (ids, restored, pending, counts) = loaded
    assert ids == real_ids and ids is not real_ids
    assert sum(len(rows) for rows in real["tables"].values()) > 100
    assert restored == real
    # What the hooks left for the commit, and what the commit wrote with it (reassessed
    # rooms, identified chemical units…; their times are the wall clock's, so counted).
    assert pending == real_pending
    assert counts == real_counts


def test_only_the_emptied_database_gets_a_restore(context: Context) -> None:
    """A test that wrote before loading, or loads twice, is not where the snapshot began:
    the real loader runs then."""
    with context.unit_of_work() as session:
        assert demo_snapshot._pristine(session, session.connection())
        registry_demo.load_demo(session)
        assert not demo_snapshot._pristine(session, session.connection())
    with context.unit_of_work() as session:
        assert not demo_snapshot._pristine(session, session.connection())
    _reset(context.engine)
    with context.unit_of_work() as session:
        session.add(Organisation(name="先写的单位", kind="enterprise", credit_code="x"))
        assert not demo_snapshot._pristine(session, session.connection())
