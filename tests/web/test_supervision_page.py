"""The supervision page: the 2·7 lab on the blind-spot worklist, owned by the fallback
department, and the district's matrix (issue 15 item 1); incidents recorded and followed up
(item 6); a low-O2 dispatch worked to closed (item 3)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import segno
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hazwatch.monitoring.models import Alarm
from tests.web.conftest import (
    TIMEZONE,
    Server,
    choose,
    field_error,
    log_in,
    screenshot,
    wait_until_live,
)

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
    wait_until_live(page)
    photo = io.BytesIO()
    segno.make("O2M-DRY1 现场").save(photo, kind="png", scale=4)
    card.get_by_test_id("dispatch-upload").locator("input[type=file]").set_input_files(
        {"name": "现场氧含量.png", "mimeType": "image/png", "buffer": photo.getvalue()}
    )
    card = page.locator("[data-testid^=dispatch-]").filter(has_text="O2M-DRY1-TEST").first
    expect(card.get_by_test_id("dispatch-attachment")).to_have_text("现场氧含量.png")
    wait_until_live(page)
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


def test_a_regulator_records_an_accident_and_follows_it_up(page: Any, server: Server) -> None:
    """Last in the module: the new accident is the newest, listed first."""
    local = datetime.now(ZoneInfo(TIMEZONE))
    typed = {
        k: (local - timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M")
        for k, m in (("occurred", 90), ("reported", 60), ("changed", 30))
    }
    log_in(page, "regulator", next_path="/supervision/incidents")
    form = page.get_by_test_id("new-record-incident")
    form.click()
    choose(page, form, "field-organisation_id", "海港精细化工有限公司")
    form.get_by_test_id("field-title").fill("液氨储罐区泄漏")
    form.get_by_test_id("field-occurred_at").fill(typed["occurred"])
    form.get_by_test_id("field-deaths").fill("-1")
    form.get_by_test_id("record-incident-save").click()
    expect(field_error(page, form, "field-deaths")).not_to_be_empty()
    form.get_by_test_id("field-deaths").fill("1")
    form.get_by_test_id("field-direct_loss_yuan").fill("500000")
    form.get_by_test_id("record-incident-save").click()
    card = page.locator("[data-testid^=incident-]").filter(has_text="液氨储罐区泄漏")
    expect(card).to_contain_text("一般事故")
    wait_until_live(page)
    with server.api("regulator") as api:
        found = [
            i
            for i in api.get("/api/supervision/incidents").json()
            if i["title"] == "液氨储罐区泄漏"
        ]
    ident = found[0]["id"]
    follow = page.get_by_test_id(f"follow-up-{ident}")
    follow.click()
    report = follow.get_by_test_id("chain-report")
    choose(page, report, "field-level", "县级")
    report.get_by_test_id("field-reported_at").fill(typed["reported"])
    report.get_by_test_id("chain-report-save").click()
    card = page.get_by_test_id(f"incident-{ident}")
    expect(card.get_by_test_id("step-county")).to_contain_text("已报")
    wait_until_live(page)
    follow = page.get_by_test_id(f"follow-up-{ident}")
    follow.click()
    change = follow.get_by_test_id("casualties")
    change.get_by_test_id("field-at").fill(typed["changed"])
    change.get_by_test_id("field-deaths").fill("3")
    change.get_by_test_id("field-serious_injuries").fill("0")
    change.get_by_test_id("casualties-save").click()
    expect(page.get_by_test_id(f"incident-{ident}")).to_contain_text("较大事故")
    screenshot(page, "supervision_incident_followed_up")
    wait_until_live(page)
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-record-incident")).to_contain_text("Record an accident")


def test_a_regulator_keeps_the_duty_roster_and_hands_the_shift_over(
    page: Any, server: Server
) -> None:
    local = datetime.now(ZoneInfo(TIMEZONE))
    at = {h: (local + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M") for h in (1, 9, 17)}
    log_in(page, "regulator", next_path="/supervision/dispatches")
    desk = page.get_by_test_id("duty-desk")
    desk.click()
    for officer, start, end in (("张值班", at[1], at[9]), ("李接班", at[9], at[17])):
        shift = page.get_by_test_id("duty-desk").get_by_test_id("duty-shift")
        shift.get_by_test_id("field-officer").fill(officer)
        shift.get_by_test_id("field-starts_at").fill(start)
        shift.get_by_test_id("field-ends_at").fill(end)
        shift.get_by_test_id("duty-shift-save").click()
        expect(page.get_by_test_id("duty-roster")).to_contain_text(officer)
        wait_until_live(page)
        page.get_by_test_id("duty-desk").click()
    line = page.get_by_test_id("duty-desk").get_by_test_id("duty-line")
    choose(page, line, "field-kind", "交接班")
    line.get_by_test_id("field-text").fill("夜班无异常，派单均已签收")
    line.get_by_test_id("duty-line-save").click()
    expect(field_error(page, line, "field-handed_to")).not_to_be_empty()
    line.get_by_test_id("field-handed_to").fill("李接班")
    line.get_by_test_id("duty-line-save").click()
    expect(page.get_by_test_id("duty-log")).to_contain_text("交班给 李接班")
    screenshot(page, "supervision_duty_desk")


def test_a_regulator_assigns_the_labs_blind_spot_to_a_department(page: Any, server: Server) -> None:
    """Last in the module: the dispatch test above needs the lab still a blind spot."""
    with server.api("regulator") as api:
        names = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
    lab = names["晨光储能科技有限公司"]
    log_in(page, "regulator", next_path="/supervision")
    form = page.get_by_test_id(f"assign-{lab}")
    form.click()
    form.get_by_test_id("assignment-save").click()
    expect(field_error(page, form, "field-department_id")).to_have_text("必填")
    choose(page, form, "field-department_id", "海港区应急管理局")
    form.get_by_test_id("field-basis").fill("区安委办〔2026〕1号 职责分工")
    form.get_by_test_id("assignment-save").click()
    expect(page.get_by_test_id(f"blind-spot-{lab}")).to_have_count(0)
    with server.api("regulator") as api:
        found = api.get(f"/api/supervision/organisations/{lab}/supervisors").json()
    assert [s["department"] for s in found["supervisors"]] == ["海港区应急管理局"]
    screenshot(page, "supervision_blind_spot_assigned")
