"""The console end to end in Chromium: login, live room cards, alarms, language, tenancy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hazwatch.scenarios.compare import AS_IT_SHOULD_HAVE_BEEN, COMPARISON
from tests.web.conftest import PHONE, TIMEZONE, Server, fit_o2_detectors, log_in, screenshot

pytestmark = pytest.mark.browser

#: Real ``hazwatch replay`` results of the bundled 2·7 scenarios, series thinned 10:1.
REPLAYS = {
    name: Path(__file__).parent / "data" / f"replay_{name.removeprefix('ningbo_')}.json"
    for name in COMPARISON
}


def test_login_shows_the_lab_rooms_to_the_lab(page: Any, server: Server) -> None:
    page.goto("/")
    page.wait_for_url("**/login?next=/")
    log_in(page, "lab")
    page.get_by_text("干燥房1", exact=True).first.wait_for()
    screenshot(page, "monitoring-desktop")


@pytest.fixture(scope="module")
def detectors(server: Server) -> dict[str, Any]:
    """Fixed O2 detectors in the lab's two dry rooms."""
    return fit_o2_detectors(server, "GW-LAB", dry1="O2-DRY1", dry2="O2-DRY2")


def test_low_oxygen_turns_the_room_red_and_the_duty_officer_handles_it(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    log_in(page, "lab")
    dry1 = page.get_by_test_id(f"room-{detectors['dry1']}")
    dry1.get_by_text("干燥房1氧含量", exact=True).wait_for()
    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY1", 20.9)
    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY2", 20.9)
    page.wait_for_selector(f"[data-testid=room-{detectors['dry2']}][data-status=normal]")

    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY1", 17.2)
    page.wait_for_selector(
        f"[data-testid=room-{detectors['dry1']}][data-status='alarm:active_unack']"
    )
    expect(dry1).to_contain_text("17.2 %vol")
    expect(dry1.get_by_test_id("room-status")).to_have_text("报警未确认")
    expect(page.locator(".q-notification").first).to_contain_text("O2-DRY1")  # the visual cue
    screenshot(page, "monitoring-alarm-desktop")

    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY2", 18.6)
    page.get_by_role("link", name="报警看板").first.click()
    page.wait_for_url("**/alarms")
    cards = page.locator("[data-testid^=alarm-][data-state=active_unack]")
    cards.nth(1).wait_for()
    assert cards.first.get_attribute("data-priority") == "urgent"  # low-low first
    screenshot(page, "alarms-desktop")

    first = cards.first
    acked = first.get_attribute("data-testid")
    first.get_by_test_id("ack").click()
    page.get_by_test_id("ack-comment").fill("已通知现场，开启排风")
    page.get_by_test_id("ack-confirm").click()
    page.wait_for_selector(f"[data-testid={acked}][data-state=active_ack]")
    expect(page.locator(f"[data-testid={acked}]").get_by_test_id("acked-by")).to_contain_text(
        "lab"
    )  # who acknowledged, and when, on the card

    other = page.locator("[data-testid^=alarm-][data-state=active_unack]").first
    shelved = other.get_attribute("data-testid")
    other.get_by_test_id("shelve").click()
    page.get_by_test_id("shelve-confirm").click()
    expect(page.get_by_text("必填")).to_have_count(2)  # reason and expiry, by their fields
    page.get_by_test_id("shelve-reason").fill("检测器标定中")
    page.get_by_test_id("shelve-for").click()
    page.get_by_role("option", name="1 小时").click()
    page.get_by_test_id("shelve-confirm").click()
    page.wait_for_selector(f"[data-testid={shelved}][data-state=shelved]")

    with server.api("lab") as api:
        states = {f"alarm-{a['id']}": a["state"] for a in api.get("/api/monitoring/alarms").json()}
    assert states[str(acked)] == "active_ack"
    assert states[str(shelved)] == "shelved"

    page.goto("/alarms/history")
    history = page.locator(".q-table")
    expect(history).to_contain_text("已通知现场，开启排风")
    expect(history).to_contain_text("检测器标定中")
    screenshot(page, "alarm-history-desktop")


def test_a_regulator_comments_on_the_labs_alarm_but_does_not_acknowledge_it(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    """Issue 11: acknowledging stops the enterprise's escalation, so by default only the
    enterprise does it; a regulator's card offers the comment alone."""
    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY1", 20.9)
    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY1", 17.0)
    log_in(page, "regulator", next_path="/alarms")
    card = page.locator("[data-testid^=alarm-]").first
    card.wait_for()
    expect(page.get_by_test_id("ack")).to_have_count(0)
    expect(page.get_by_test_id("shelve")).to_have_count(0)
    expect(page.get_by_test_id("unshelve")).to_have_count(0)
    card.get_by_role("button", name="备注").click()
    page.locator("textarea").fill("请立即组织通风并报告")
    page.get_by_role("button", name="保存").click()
    page.goto("/alarms/history")
    expect(page.locator(".q-table")).to_contain_text("请立即组织通风并报告")


def test_another_organisation_cannot_see_the_lab(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    log_in(page, "chem")
    page.get_by_text("氨制冷机房", exact=True).first.wait_for()  # its own room is there
    expect(page.get_by_text("干燥房1", exact=True)).to_have_count(0)
    page.goto("/alarms")
    page.get_by_text("报警负荷统计（24 小时）").wait_for()
    expect(page.get_by_text("O2-DRY1", exact=False)).to_have_count(0)
    page.goto(f"/registry/rooms/{detectors['dry1']}")
    page.get_by_text("对象不存在或不在您的权限范围内").wait_for()
    expect(page.get_by_test_id("save")).to_have_count(0)
    with server.api("chem") as api:
        assert api.get(f"/api/registry/rooms/{detectors['dry1']}").status_code == 404


def test_room_card_links_to_the_rooms_odh_class_and_controls(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    log_in(page, "lab")
    card = page.get_by_test_id(f"room-{detectors['dry1']}")
    card.get_by_test_id("odh-class").click()
    page.wait_for_url(f"**/odh/{detectors['dry1']}")
    expect(page.get_by_text("ODH 3 级").first).to_be_visible()
    expect(page.get_by_test_id("odh-controls")).to_contain_text("便携式氧含量检测仪")
    expect(page.get_by_test_id("odh-events")).to_contain_text("氮气")
    screenshot(page, "odh-desktop")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_text("ODH class 3").first).to_be_visible()
    expect(page.get_by_test_id("odh-controls")).to_contain_text("Personal O2 monitor")
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_text("ODH 3 级").first.wait_for()
    log_in(page, "chem", next_path=f"/odh/{detectors['dry1']}")
    page.get_by_text("对象不存在或不在您的权限范围内").wait_for()
    expect(page.get_by_test_id("odh-controls")).to_have_count(0)


def _new_organisation_with_bad_credit_code(page: Any, kind_label: str) -> Any:
    page.get_by_test_id("field-name").fill("测试实验室")
    page.get_by_test_id("field-kind").click()
    page.get_by_role("option", name=kind_label).click()
    page.get_by_test_id("field-credit_code").fill("91330206MA2AAAAAA0")
    page.get_by_test_id("save").click()
    field = page.locator(".q-field--error", has=page.get_by_test_id("field-credit_code"))
    return field.locator(".q-field__messages")


def test_field_errors_appear_next_to_the_field_in_the_users_language(
    page: Any, server: Server
) -> None:
    log_in(page, "lab", next_path="/registry/organisations/new")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("必填", exact=True)).to_have_count(3)  # kind, name, credit code
    message = _new_organisation_with_bad_credit_code(page, "实验室 / 研发企业")
    expect(message).to_have_text("统一社会信用代码无效（GB 32100-2015 校验位不符）")

    page.get_by_test_id("language").get_by_text("EN").click()
    page.get_by_text("Registry", exact=True).first.wait_for()
    message = _new_organisation_with_bad_credit_code(page, "Laboratory / R&D company")
    expect(message).to_have_text(
        "The unified social credit code is not valid (GB 32100-2015 check character)"
    )
    screenshot(page, "registry-form-errors-en")
    with server.api("lab") as api:
        names = [o["name"] for o in api.get("/api/registry/organisations").json()]
    assert "测试实验室" not in names


def test_expired_session_returns_to_login_and_keeps_what_was_typed(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    form = f"/registry/rooms/{detectors['dry2']}"
    log_in(page, "lab", next_path=form)
    page.get_by_test_id("field-notes").fill("已加装固定式氧含量检测报警")
    with server.api("lab") as api:  # the console session ends (expiry or revocation)
        for token in api.get("/api/auth/tokens").json():
            if token["name"] == "console" and token["revoked_at"] is None:
                assert api.delete(f"/api/auth/tokens/{token['id']}").status_code == 204
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/login\?next=/registry/rooms/"))
    log_in(page, "lab", next_path=form)
    expect(page.get_by_test_id("field-notes")).to_have_value("已加装固定式氧含量检测报警")
    page.get_by_test_id("save").click()
    page.get_by_text("已保存").wait_for()
    with server.api("lab") as api:
        room = api.get(f"/api/registry/rooms/{detectors['dry2']}").json()
    assert room["notes"] == "已加装固定式氧含量检测报警"


def test_lost_connection_shows_reconnecting_and_live_updates_resume(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    log_in(page, "lab")
    card = page.get_by_test_id(f"room-{detectors['dry2']}")
    card.wait_for()
    popup = page.locator("#popup")
    page.context.set_offline(True)
    page.evaluate("window.socket.io.engine.close()")
    expect(popup).to_have_attribute("aria-hidden", "false")
    expect(popup).to_contain_text("正在重新连接")
    page.context.set_offline(False)
    expect(popup).to_have_attribute("aria-hidden", "true", timeout=20_000)
    server.publish(detectors["site_id"], "GW-LAB", "O2-DRY2", 20.4)
    expect(card).to_contain_text("20.4 %vol")


def test_phone_width_alarm_board_and_room_cards(
    browser: Any, server: Server, detectors: dict[str, Any]
) -> None:
    context = browser.new_context(
        base_url=server.url, viewport=PHONE, locale="zh-CN", timezone_id=TIMEZONE
    )
    phone = context.new_page()
    log_in(phone, "lab")
    card = phone.get_by_test_id(f"room-{detectors['dry1']}")
    card.wait_for()
    box = card.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "monitoring-phone")
    phone.get_by_test_id("menu").click()
    phone.get_by_role("link", name="报警看板").click()
    phone.wait_for_url("**/alarms")
    phone.locator("[data-testid^=alarm-]").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "alarms-phone")
    context.close()


def test_replay_opens_on_the_2_7_comparison_and_shows_an_uploaded_result(
    page: Any, server: Server
) -> None:
    folder = Path(server.env["HAZWATCH_DATA_DIR"]) / "replays"
    folder.mkdir(exist_ok=True)
    for name, source in REPLAYS.items():
        shutil.copyfile(source, folder / f"{name}.json")
    log_in(page, "lab", next_path="/replay")
    expect(page.get_by_test_id("replay-title")).to_have_text("“2·7”对比：实际状况与应有状况")
    page.get_by_test_id("replay-chart").locator("canvas").first.wait_for()
    # the report and HazWatch on one time column: at 08:22 the worker walked in and died;
    # with HazWatch the entrance reader refused him
    at_0822 = "[data-testid=at-0822] + [data-testid=actual]"
    expect(page.locator(at_0822)).to_contain_text("实验员")
    expect(page.locator(f"{at_0822} + [data-testid=hazwatch]")).to_contain_text("拒绝")
    at_0436 = "[data-testid=at-0436] + [data-testid=actual] + [data-testid=hazwatch]"
    expect(page.locator(at_0436)).to_contain_text("报警")
    expect(page.locator(at_0436)).to_contain_text("逐级升级")  # five steps, one line
    expect(page.get_by_test_id("aligned")).not_to_contain_text("升级第")
    expect(page.get_by_test_id("outcome").first).to_contain_text("首次氧含量报警")
    screenshot(page, "replay-comparison-desktop")

    page.locator("input[type=file]").set_input_files(str(REPLAYS[AS_IT_SHOULD_HAVE_BEEN]))
    expect(page.get_by_test_id("replay-title")).to_contain_text("应有状况")
    expect(page.get_by_test_id("aligned")).to_contain_text("04:30")
    page.get_by_test_id("replay-chart").locator("canvas").first.wait_for()
    screenshot(page, "replay-desktop")


def test_findings_trend_and_access_pages_render(
    page: Any, server: Server, detectors: dict[str, Any]
) -> None:
    log_in(page, "admin", next_path="/findings")
    page.get_by_test_id("finding-sublease_without_consent").first.wait_for()
    supplier = page.get_by_test_id("finding-unlicensed_supplier").first
    expect(supplier).to_contain_text("依据")
    expect(supplier).not_to_contain_text("{organisation}")  # names filled in, as in the API
    screenshot(page, "findings-desktop")
    # filtered by kind, then by organisation as well (issue 13 item 6)
    with server.api("admin") as api:
        subleases = api.get("/api/registry/findings?code=sublease_without_consent").json()
    cards = page.locator("[data-testid^=finding-]:visible")
    page.get_by_test_id("filter-kind").click()
    page.get_by_role("option", name="转租未经出租人同意").click()
    page.keyboard.press("Escape")
    expect(cards).to_have_count(len(subleases))
    expect(page.locator("[data-testid=finding-sublease_without_consent]:visible")).to_have_count(
        len(subleases)
    )
    page.get_by_test_id("filter-organisation").click()
    page.get_by_role("option", name=subleases[0]["organisation_name"]).click()
    page.keyboard.press("Escape")
    expect(cards).to_have_count(
        sum(f["organisation_id"] == subleases[0]["organisation_id"] for f in subleases)
    )
    expect(page.get_by_test_id("shown-count")).to_contain_text("显示")
    with server.api("admin") as api:
        points = {p["code"]: p["id"] for p in api.get("/api/monitoring/points").json()}
    page.goto(f"/points/{points['O2-DRY1']}")
    page.get_by_test_id("trend").locator("canvas").first.wait_for()
    expect(page.get_by_test_id("storage")).to_contain_text("0.1 %vol")  # how history is kept
    screenshot(page, "trend-desktop")
    page.goto("/access")
    page.get_by_test_id("person").wait_for()
    screenshot(page, "access-desktop")
