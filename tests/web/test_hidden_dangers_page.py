"""The hidden-danger loop and inspections in the console, as the lab's people do them: an
SCBA check on a phone (the set's QR form) opens a hidden danger that is ordered, worked,
refused a self-check while the cylinder is still low, re-checked, refused acceptance by its
own rectifier, accepted by the lab's head and closed; a file of the wrong type is refused
at the upload; an inspection round on a phone opens a hidden danger from a failed item;
the landlord and the regulator read without forms, in both languages; a burst of notices
to the regulator's desk shows a few and counts the rest."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import segno
from playwright.sync_api import expect

from hazwatch.web.pop_ups import NOTICES_SHOWN
from tests.web.conftest import DESKTOP, PHONE, Server, log_in, screenshot

pytestmark = pytest.mark.browser


def png() -> bytes:
    out = io.BytesIO()
    segno.make("SCBA-LAB-1 换瓶").save(out, kind="png", scale=4)
    return out.getvalue()


def upload(page: Any, name: str, data: bytes) -> None:
    page.get_by_test_id("upload").locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "image/png", "buffer": data}
    )


def scba_check(page: Any, pressure: str) -> None:
    page.goto("/scba/SCBA-LAB-1")
    page.get_by_test_id("field-cylinder_pressure_mpa").fill(pressure)
    page.get_by_test_id("save-check").click()


def test_an_scba_check_opens_a_hidden_danger_that_travels_the_loop(
    page: Any, server: Server
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "lab", next_path="/scba/SCBA-LAB-1")
    expect(page.get_by_test_id("readiness")).to_have_text("可用")
    scba_check(page, "18")
    expect(page.get_by_test_id("readiness")).to_have_text("不可用")
    page.get_by_test_id("scba-hidden-danger").click()
    page.wait_for_url("**/hidden-dangers/*")
    finding = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("title")).to_contain_text("空气呼吸器 SCBA-LAB-1 气瓶压力 18 MPa")
    expect(page.get_by_test_id("state")).to_have_text("已评级")
    screenshot(page, "hidden-danger-phone")
    page.set_viewport_size(DESKTOP)

    step = page.get_by_test_id("next-step")
    step.get_by_test_id("field-measures").fill("更换气瓶并充至 30 MPa")
    step.get_by_test_id("field-responsible_person").fill("刘工")
    step.get_by_test_id("field-funds_yuan").fill("八百")
    step.get_by_test_id("field-contingency_plan").fill("借用备用呼吸器")
    page.get_by_test_id("do-order").click()
    expect(step.get_by_role("alert")).to_contain_text("整改资金须为 0 及以上")  # at its field
    expect(page.get_by_test_id("state")).to_have_text("已评级")
    step.get_by_test_id("field-funds_yuan").fill("800")
    page.get_by_test_id("do-order").click()
    expect(page.get_by_test_id("state")).to_have_text("已下达整改")
    page.get_by_test_id("do-start").click()
    expect(page.get_by_test_id("state")).to_have_text("整改中")

    upload(page, "setup.png", b"MZ\x90\x00" + b"\0" * 200)  # a renamed executable
    expect(page.get_by_test_id("upload-error")).to_contain_text("不支持的文件类型")
    expect(page.locator("[data-testid^=attachment-]")).to_have_count(0)
    upload(page, "新气瓶.png", png())
    expect(page.locator("[data-testid^=attachment-]")).to_have_count(1)
    expect(page.get_by_test_id("attachments").locator("img")).to_have_count(1)

    comment = page.get_by_test_id("field-comment")
    comment.fill("已更换气瓶")
    page.get_by_test_id("do-self_check").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("隐患来源尚未消除")
    expect(page.get_by_test_id("state")).to_have_text("整改中")  # still

    scba_check(page, "29.5")
    expect(page.get_by_test_id("readiness")).to_have_text("可用")
    page.goto(f"/hidden-dangers/{finding}")
    page.get_by_test_id("field-comment").fill("气瓶已更换，复检 29.5 MPa")
    page.get_by_test_id("do-self_check").click()
    expect(page.get_by_test_id("state")).to_have_text("自查完成")
    page.get_by_test_id("do-accept").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("整改人不能验收自己的整改")
    expect(page.get_by_test_id("state")).to_have_text("自查完成")

    log_in(page, "labhead", next_path=f"/hidden-dangers/{finding}")
    page.get_by_test_id("field-comment").fill("现场复核压力 29.5 MPa")
    page.get_by_test_id("do-accept").click()
    expect(page.get_by_test_id("state")).to_have_text("已验收")
    page.get_by_test_id("do-close").click()
    expect(page.get_by_test_id("state")).to_have_text("已销号")
    expect(page.get_by_test_id("next-step")).to_have_count(0)
    expect(page.get_by_test_id("timeline")).to_contain_text("现场复核压力 29.5 MPa")
    screenshot(page, "hidden-danger-closed")
    with server.api("labhead") as api:
        shown = api.get(f"/api/hidden-dangers/{finding}").json()
    assert shown["state"] == "closed"
    assert [(e["action"], e["actor"]) for e in shown["timeline"] if e["action"] != "attach"] == [
        ("report", "lab"),
        ("grade", "lab"),
        ("order", "lab"),
        ("start", "lab"),
        ("self_check", "lab"),
        ("accept", "labhead"),
        ("close", "labhead"),
    ]
    assert [a["filename"] for a in shown["attachments"]] == ["新气瓶.png"]


def test_an_inspection_round_on_a_phone_opens_a_hidden_danger_from_a_failed_item(
    page: Any, server: Server
) -> None:
    log_in(page, "lab", next_path="/inspections/qr")
    label = page.get_by_test_id("qr-DRY1")
    expect(label.locator("svg")).to_have_count(1)
    url = label.get_by_text("/inspections/points/").text_content()
    assert url is not None and url.startswith(server.url)
    page.set_viewport_size(PHONE)
    page.goto(url)  # what the phone opens from the label
    expect(page.get_by_test_id("point-name")).to_have_text("干燥房1")
    form = page.get_by_test_id("round-form")
    form.get_by_test_id("answer-0").get_by_text("否").click()
    form.get_by_test_id("note-0").fill("卡箍松动")
    form.get_by_test_id("answer-1").fill("20.9")
    form.get_by_test_id("answer-2").get_by_text("否").click()  # the exit blocked: major
    form.get_by_test_id("answer-3").get_by_text("是").click()
    page.get_by_test_id("save-round").click()
    expect(form.get_by_role("alert")).to_contain_text("重大事故隐患必须填写整改期限")
    form.get_by_test_id("deadline-2").fill("2099-01-31")
    page.get_by_test_id("save-round").click()
    result = page.get_by_test_id("round-result")
    expect(result).to_contain_text("本次巡检有不合格项")
    expect(result.locator("a")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "inspection-round-phone")
    result.get_by_text("应急疏散通道畅通").click()
    expect(page.get_by_test_id("title")).to_contain_text("巡检不合格：干燥房1「应急疏散通道畅通」")
    expect(page.get_by_test_id("grade")).to_have_text("重大隐患")
    expect(page.get_by_test_id("reported")).to_be_visible()


def test_overdue_ones_are_flagged_and_others_read_without_forms(page: Any, server: Server) -> None:
    log_in(page, "lab", next_path="/hidden-dangers")
    expect(page.get_by_test_id("nav-overdue")).to_have_text("1")  # the demo's late hose
    page.goto("/hidden-dangers?overdue=true")
    cards = page.locator("[data-testid^=hazard-]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("软管无卡箍")
    expect(cards.first.get_by_test_id("overdue")).to_have_text("已逾期")
    screenshot(page, "hidden-dangers-overdue")

    log_in(page, "regulator", next_path="/hidden-dangers")
    major = page.locator("[data-testid^=hazard-]", has_text="无固定式氧含量检测报警")
    expect(major.get_by_test_id("reported")).to_have_text("已上报监管")
    major.click()
    expect(page.get_by_test_id("summary")).to_be_visible()
    expect(page.get_by_test_id("next-step")).to_have_count(0)  # the regulator reads
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("reported")).to_have_text("Reported to regulator")
    page.get_by_test_id("language").get_by_text("中文").click()
    expect(page.get_by_test_id("reported")).to_have_text("已上报监管")

    log_in(page, "landlord", next_path="/hidden-dangers")
    tenants = page.locator("[data-testid^=hazard-]", has_text="软管无卡箍")
    tenants.click()
    expect(page.get_by_test_id("summary")).to_be_visible()
    expect(page.get_by_test_id("next-step")).to_have_count(0)  # its tenant's: read only
    page.goto("/hidden-dangers")
    page.locator("[data-testid^=hazard-]", has_text="SCBA-LANDLORD-1").click()
    expect(page.get_by_test_id("next-step")).to_be_visible()  # its own: it runs the loop

    page.goto("/hidden-dangers/ledger")
    expect(page.get_by_test_id("ledger").locator("tbody tr")).not_to_have_count(0)
    expect(page.get_by_test_id("ledger")).to_contain_text("SCBA-LANDLORD-2")


def test_a_burst_of_notices_shows_three_and_counts_the_rest(page: Any, server: Server) -> None:
    """Six major hidden dangers graded in a moment each go to the regulator's duty desk: its
    console shows three notices and one summary counting the others, not a column of six
    over the page (on 1 December 21 year-end task reminders arrive like this)."""
    log_in(page, "regulator", next_path="/hidden-dangers")
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    with server.api("lab") as api:
        rooms = api.get("/api/registry/rooms").json()
        lab = next(r["organisation_id"] for r in rooms if r["name"] == "干燥房1")
        for number in range(6):
            created = api.post(
                "/api/hidden-dangers",
                json={
                    "organisation_id": lab,
                    "title": f"安全出口被货架堵塞 {number + 1}",
                    "grade": "major",
                    "deadline": deadline,
                },
            )
            assert created.status_code == 201, created.text
    summary = page.locator(".hazwatch-more-notices")
    # Three while they all show; fewer if the first faded (8 s) before the last arrived.
    expect(summary).to_contain_text(re.compile(r"另有 [1-3] 条通知"), timeout=30_000)
    assert page.locator(".hazwatch-notice:not(.hazwatch-more-notices)").count() <= NOTICES_SHOWN
    screenshot(page, "notices-burst")
