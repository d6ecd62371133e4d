"""Manifests are kept at least ten years (2022 transfer rules): the database itself refuses
to delete one, even to SQL that bypasses HazWatch, on SQLite and PostgreSQL (the trigger
``create_all`` and migration 0029 install)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hazwatch.core.context import Context
from hazwatch.district.waste.models import WasteManifest
from hazwatch.registry.demo import DemoIds


def test_the_database_refuses_to_delete_a_manifest(context: Context, demo: DemoIds) -> None:
    with context.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="kept at least ten years"):
            connection.execute(
                text("DELETE FROM waste_manifest WHERE id = :id"), {"id": demo["manifest_short"]}
            )
        connection.rollback()
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WasteManifest)) == 2
