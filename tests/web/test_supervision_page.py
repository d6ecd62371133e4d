"""The supervision page: the 2·7 lab on the blind-spot worklist, owned by the fallback
department, and the district's matrix (issue 15 item 1)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hazwatch.monitoring.models import Alarm
from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_lab_is_a_blind_spot_on_the_supervision_page(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        names = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
    lab = names["晨光储能科技有限公司"]
    log_in(page, "regulator", next_path="/supervision")
    card = page.get_by_test_id(f"blind-spot-{lab}")
    expect(card).to_contain_text("晨光储能科技有限公司")
    expect(card).to_contain_text("兜底责任部门：海港区应急管理局")
    expect(card).to_contain_text("未知（未归类）")
    expect(page.get_by_text("职责矩阵 海港区 第1版")).to_be_visible()
    screenshot(page, "supervision_blind_spots")


def test_the_2_7_incident_shows_its_late_county_report(page: Any, server: Server) -> None:
    log_in(page, "regulator", next_path="/supervision/incidents")
    card = page.locator("[data-testid^=incident-]").first
    expect(card).to_contain_text("一般事故")
    expect(card).to_contain_text("死亡 2 人")
    expect(card.get_by_test_id("step-county")).to_contain_text("迟报")
    expect(card.get_by_test_id("step-city")).not_to_contain_text("迟报")
    screenshot(page, "supervision_incidents")


def _raise_low_o2_alarm(server: Server, lab: int, plant: int, dry1: int) -> None:
    """A low-O2 alarm at the lab's dry room 1, written into the server's database."""
    engine = create_engine(f"sqlite:///{Path(server.env['HAZWATCH_DATA_DIR']) / 'hazwatch.db'}")
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add(
            Alarm(
                organisation_id=lab,
                site_id=plant,
                room_id=dry1,
                source="O2M-DRY1",
                condition="low",
                priority="urgent",
                active=True,
                acked=False,
                state="active_unack",
                message_key="monitoring.alarm.low",
                params={"point": "O2M-DRY1-TEST"},
                changed_at=now,
                raised_at=now,
            )
        )
    engine.dispose()


def test_a_regulator_accepts_verifies_and_closes_a_low_o2_dispatch(
    page: Any, server: Server
) -> None:
    with server.api("regulator") as api:
        names = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
        rooms = {r["name"]: r["id"] for r in api.get("/api/registry/rooms").json()}
        sites = {s["name"]: s["id"] for s in api.get("/api/registry/sites").json()}
    _raise_low_o2_alarm(
        server, names["晨光储能科技有限公司"], sites["龙山路88号厂区"], rooms["干燥房1"]
    )
    log_in(page, "regulator", next_path="/supervision/dispatches")
    page.get_by_test_id("dispatch-scan").click()
    card = page.locator("[data-testid^=dispatch-]").filter(has_text="O2M-DRY1-TEST").first
    expect(card).to_contain_text("海港区应急管理局")  # the lab's fallback owner
    expect(card).to_contain_text("已派单")
    card.get_by_test_id("dispatch-accept").click()
    card = page.locator("[data-testid^=dispatch-]").filter(has_text="O2M-DRY1-TEST").first
    expect(card).to_contain_text("已签收")
    card.get_by_test_id("dispatch-notes").fill("现场氧含量18.2%，已关闭气源")
    card.get_by_test_id("dispatch-verify").click()
    card = page.locator("[data-testid^=dispatch-]").filter(has_text="O2M-DRY1-TEST").first
    expect(card).to_contain_text("已现场核查")
    expect(card).to_contain_text("现场氧含量18.2%")
    card.get_by_test_id("dispatch-close").click()
    card = page.locator("[data-testid^=dispatch-]").filter(has_text="O2M-DRY1-TEST").first
    expect(card).to_contain_text("已办结")
    screenshot(page, "supervision_dispatch_closed")
    with server.api("regulator") as api:
        closed = [
            d
            for d in api.get("/api/supervision/dispatches").json()
            if d["source_type"] == "alarm" and d["state"] == "closed"
        ]
    assert closed and closed[0]["outcome"] == "confirmed"
