from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(context))


def stored(client: TestClient, *models: type[Any]) -> tuple[int, ...]:
    """How many rows each model has, and the audit log last: what a refused request leaves
    as it was."""
    context: Context = client.app.state.context  # type: ignore[attr-defined]
    tables: tuple[type[Any], ...] = (*models, AuditEntry)
    with context.sessions() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(table)) or 0) for table in tables
        )


def refused_naming(
    client: TestClient,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    field: str,
    *models: type[Any],
) -> None:
    """``body`` posted to ``path`` is refused (422) naming ``field``, and neither ``models``
    nor the audit log gain a row."""
    before = stored(client, *models)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert stored(client, *models) == before
