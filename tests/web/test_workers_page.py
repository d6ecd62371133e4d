"""The console's workers page (issue 17 item 1): the platform administrator sees each worker
with its partitions and the partitions nobody owns, in Chinese and in English; an
enterprise user is refused and has no such entry in the navigation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hazwatch.core.db import make_engine, make_session_factory
from hazwatch.monitoring.workers import service
from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def _a_worker_owning_three_partitions(server: Server) -> None:
    """Written into the console's database as a worker process would; its heartbeat and
    leases an hour ahead, so that it stays alive throughout the test."""
    engine = make_engine(f"sqlite:///{Path(server.env['HAZWATCH_DATA_DIR']) / 'hazwatch.db'}")
    ahead = datetime.now(UTC) + timedelta(hours=1)
    with make_session_factory(engine).begin() as session:
        service.ensure_partitions(session, 16, ahead)
        worker = service.register(session, "w-test", "node-1", 4321, ahead)
        service.claim(session, worker, ahead, timedelta(hours=1), 16, 3)
    engine.dispose()


def test_the_administrator_sees_workers_and_unowned_partitions(page: Any, server: Server) -> None:
    _a_worker_owning_three_partitions(server)
    log_in(page, "admin", next_path="/workers")
    card = page.get_by_test_id("worker-w-test")
    expect(card.get_by_test_id("worker-state")).to_have_text("在线")
    expect(card.get_by_test_id("worker-partitions")).to_contain_text("0, 1, 2")
    expect(page.get_by_test_id("unowned")).to_contain_text("3, 4, 5")
    expect(page.get_by_test_id("single-mode")).to_be_visible()
    screenshot(page, "workers-zh")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_text("Ingest workers and partitions")).to_be_visible()
    expect(page.get_by_test_id("worker-w-test").get_by_test_id("worker-state")).to_have_text(
        "alive"
    )
    expect(page.get_by_test_id("unowned")).to_contain_text("Without an owner")
    screenshot(page, "workers-en")


def test_an_enterprise_user_is_refused(page: Any, server: Server) -> None:
    log_in(page, "lab", next_path="/workers")
    expect(page.get_by_test_id("refused")).to_be_visible()
    expect(page.get_by_test_id("partitions")).to_have_count(0)
    expect(page.locator("a[href='/workers']")).to_have_count(0)
