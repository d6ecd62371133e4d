"""Who is inside and detector calibration in the console: the lab's muster list shows the
two people the dry room's door let in, one is checked out; the chemical plant sees its
ammonia detector uncalibrated with its hidden danger and records a calibration; English too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def _meeting_room(server: Server) -> dict[str, Any]:
    """A meeting room of the lab with its own door: nothing in it to make entry unsafe."""
    with server.api("admin") as api:
        rooms = {r["name"]: r for r in api.get("/api/registry/rooms").json()}
        dry1 = rooms["干燥房1"]
        site_id = api.get(f"/api/registry/buildings/{dry1['building_id']}").json()["site_id"]
        room = api.post(
            "/api/registry/rooms",
            json={
                "building_id": dry1["building_id"],
                "organisation_id": dry1["organisation_id"],
                "name": "会议室",
                "free_volume_m3": "40",
            },
        )
        assert room.status_code == 201, room.text
        door = api.post(
            "/api/registry/doors",
            json={
                "site_id": site_id,
                "organisation_id": dry1["organisation_id"],
                "code": "LAB-MEET",
                "name": "会议室门",
                "guarded_room_ids": [room.json()["id"]],
            },
        )
        assert door.status_code == 201, door.text
    return {"site_id": site_id}


def test_the_muster_list_shows_who_went_in_and_one_is_checked_out(
    page: Any, server: Server
) -> None:
    site = _meeting_room(server)["site_id"]
    with server.api("lab") as api:
        for person in ("张三", "李四"):
            answer = api.post("/api/access/check", json={"door": "LAB-MEET", "person": person})
            assert answer.json()["decision"] == "allow", answer.text
    log_in(page, "lab", next_path=f"/muster?site={site}")
    expect(page.get_by_test_id("muster-count")).to_have_text("在场 2 人")
    expect(page.get_by_test_id("occupant-张三")).to_contain_text("会议室")
    screenshot(page, "muster-desktop")
    person = page.get_by_test_id("occupant-李四")
    person.get_by_test_id("field-reason").fill("当面确认已离开")
    person.get_by_test_id("check-out").click()
    expect(page.get_by_test_id("muster-count")).to_have_text("在场 1 人")
    expect(page.get_by_test_id("occupant-李四")).to_have_count(0)


def test_an_overdue_calibration_is_shown_and_a_new_one_recorded(page: Any, server: Server) -> None:
    log_in(page, "chem", next_path="/calibration")
    card = page.get_by_test_id("detector-NH3-01")
    expect(card.get_by_test_id("calibration-status")).to_have_text("未标定（超期）")
    expect(card.get_by_test_id("calibration-hidden-danger")).to_be_visible()
    screenshot(page, "calibration-desktop")
    form = page.get_by_test_id("calibration-form")
    form.get_by_test_id("save-calibration").click()
    expect(form.get_by_text("请填写标定人")).to_be_visible()  # at its field, nothing stored
    expect(card.get_by_test_id("calibration-status")).to_have_text("未标定（超期）")
    form.get_by_test_id("field-performed_by").fill("仪表班 李工")
    form.get_by_test_id("save-calibration").click()
    expect(card.get_by_test_id("calibration-status")).to_have_text("已标定")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(card.get_by_test_id("calibration-status")).to_have_text("calibrated")


def test_readiness_shows_the_drill_the_lapsed_qualification_and_a_failed_check(
    page: Any, server: Server
) -> None:
    log_in(page, "lab", next_path="/readiness")
    expect(page.get_by_text("干燥房缺氧窒息事故专项应急预案")).to_be_visible()
    drill = page.locator("[data-testid^=drill-]").filter(has_text="人员窒息救援演练")
    expect(drill.get_by_test_id("drill-state")).to_have_text("已实施")
    expect(drill.get_by_test_id("drill-finding")).to_contain_text("空气呼吸器存放于更衣室柜内")
    matrix = page.get_by_test_id("training-matrix")
    lapsed = matrix.locator("td.text-negative")
    expect(lapsed).to_have_count(1)
    expect(lapsed).to_contain_text("（已失效）")
    expect(matrix.get_by_role("row").filter(has_text="张伟")).to_contain_text("（已失效）")
    with page.expect_download() as download:
        page.get_by_test_id("matrix-excel").click()
    assert download.value.suggested_filename == "training-matrix.xlsx"
    expect(page.get_by_test_id("open-matrix-ledger")).to_be_visible()
    meter = page.get_by_test_id("equipment-LAB-PO2-1")
    expect(meter.get_by_test_id("equipment-ready")).to_have_text("可用")
    meter.get_by_test_id("check-fail").click()
    expect(meter.get_by_test_id("equipment-ready")).to_have_text("不可用")
    expect(meter.get_by_test_id("equipment-hidden-danger")).to_be_visible()
    screenshot(page, "readiness-desktop")
    meter.get_by_test_id("equipment-hidden-danger").click()
    page.wait_for_url("**/hidden-dangers/*")
    expect(page.get_by_test_id("title")).to_contain_text("LAB-PO2-1")
    expect(page.get_by_test_id("state")).to_have_text("已评级")


def test_the_equipment_checks_ledger_prints_in_the_readers_language(
    page: Any, server: Server
) -> None:
    log_in(page, "landlord", next_path="/readiness")
    expect(page.get_by_test_id("open-checks-ledger")).to_be_visible()
    page.goto("/readiness/equipment/ledger")
    expect(page.get_by_text("应急器材检查台账")).to_be_visible()
    ledger = page.get_by_test_id("ledger")
    # Other tests of this module record checks too: the SCBA's is one row, not the newest.
    expect(ledger.locator("tbody tr", has_text="气瓶压力低于最低值").first).to_be_visible()
    expect(ledger).to_contain_text("不合格")
    screenshot(page, "equipment-checks-ledger")
    with page.expect_download() as download:
        page.get_by_text("导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/readiness")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("open-checks-ledger")).to_contain_text("Checks ledger")
    page.wait_for_load_state("networkidle")
    page.goto("/readiness/equipment/ledger")
    expect(page.get_by_text("Equipment checks ledger")).to_be_visible()
    expect(page.get_by_test_id("ledger")).to_contain_text("cylinder below its minimum pressure")
    page.goto("/readiness/training/ledger")
    expect(page.get_by_text("Training matrix")).to_be_visible()
    expect(page.get_by_test_id("ledger").locator("thead")).to_contain_text("SCBA wearer")


def test_a_hot_work_permit_is_approved_guarded_and_tested_in_the_console(
    page: Any, server: Server
) -> None:
    with server.api("admin") as api:
        rooms = {r["name"]: r["id"] for r in api.get("/api/registry/rooms").json()}
    with server.api("lab") as api:
        start = datetime.now(UTC)
        made = api.post(
            "/api/permits",
            json={
                "room_id": rooms["干燥房2"],
                "number": "HW-WEB",
                "kind": "hot_work",
                "valid_from": start.isoformat(),
                "valid_until": (start + timedelta(hours=2)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
        assert api.post(f"/api/permits/{made.json()['id']}/approve").status_code == 403
    log_in(page, "labhead", next_path="/permits")
    card = page.get_by_test_id("permit-HW-WEB")
    expect(card.get_by_test_id("permit-state")).to_have_text("不可作业")
    expect(card.get_by_test_id("permit-reason")).to_contain_text("未经审批")
    card.get_by_test_id("approve").click()
    expect(card.get_by_test_id("permit-reason")).to_contain_text("监护人未确认到岗")
    card.get_by_test_id("field-guardian").fill("监火人 钱")
    card.get_by_test_id("guardian-present").click()
    expect(card.get_by_test_id("permit-reason")).to_contain_text("未做气体检测")
    card.get_by_test_id("field-o2_percent").fill("20.9")
    card.get_by_test_id("record-gas-test").click()  # no combustible gas analysis
    expect(card.get_by_test_id("permit-error")).to_contain_text("动火作业须做可燃气体分析")
    card.get_by_test_id("field-combustible_percent").fill("0.6")
    card.get_by_test_id("field-gas_lel_percent").fill("5")
    card.get_by_test_id("record-gas-test").click()
    expect(card.get_by_test_id("permit-reason")).to_contain_text("气体检测不合格")
    expect(card.get_by_test_id("gas-test")).to_contain_text("限值 0.5%")
    card.get_by_test_id("field-o2_percent").fill("20.9")  # the form starts afresh
    card.get_by_test_id("field-combustible_percent").fill("0.5")  # the limit itself passes
    card.get_by_test_id("field-gas_lel_percent").fill("5")
    card.get_by_test_id("record-gas-test").click()
    expect(card.get_by_test_id("permit-state")).to_have_text("当前可作业")
    screenshot(page, "permits-desktop")
    card.get_by_test_id("close-permit").click()
    expect(card.get_by_test_id("permit-state")).to_have_text("已关闭")


def test_the_lab_publishes_its_daily_commitment_and_the_landlord_sees_its_tenants(
    page: Any, server: Server
) -> None:
    log_in(page, "labhead", next_path="/commitments")
    form = page.get_by_test_id("commitment-form")
    form.get_by_test_id("publish-commitment").click()
    expect(form.get_by_text("请填写承诺人")).to_be_visible()  # at its field, nothing stored
    form.get_by_test_id("field-units_running").fill("2")
    form.get_by_test_id("field-signer").fill("陈主任")
    form.get_by_test_id("field-special_work").fill("1")
    form.get_by_test_id("publish-commitment").click()
    expect(form.get_by_text("请说明今日特殊作业的内容和地点")).to_be_visible()  # not published
    expect(page.get_by_test_id("commitment-state").filter(has_text="已发布")).to_have_count(0)
    form.get_by_test_id("field-special_work_note").fill("干燥房2 动火作业 HW-001")
    form.get_by_test_id("field-judgement").fill("干燥房1 停用整改，其余风险可控")
    form.get_by_test_id("publish-commitment").click()
    published = page.get_by_test_id("commitment-state").filter(has_text="已发布")
    expect(published).to_have_count(1)
    expect(page.get_by_text("承诺人 陈主任", exact=False)).to_be_visible()
    expect(page.get_by_test_id("commitment-special-work")).to_have_text(
        "特殊作业：干燥房2 动火作业 HW-001"
    )
    expect(page.get_by_test_id("commitment-judgement")).to_have_text(
        "风险研判：干燥房1 停用整改，其余风险可控"
    )
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("commitment-form")).to_contain_text("Today's risk judgement")
    expect(page.get_by_test_id("commitment-judgement")).to_contain_text("Risk judgement:")
    page.get_by_test_id("language").get_by_text("中文").click()
    form = page.get_by_test_id("commitment-form")
    page.get_by_test_id("commitment-judgement").get_by_text("风险研判", exact=False).wait_for()
    form.get_by_test_id("field-signer").fill("陈主任")
    form.get_by_test_id("publish-commitment").click()  # once a day
    expect(form.get_by_test_id("commitment-error")).to_contain_text("已发布")
    screenshot(page, "commitments-desktop")
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login**")  # the logout's own navigation ends first
    log_in(page, "landlord", next_path="/commitments")
    expect(page.locator("[data-testid^=tenant-]")).to_have_count(2)
