"""The emergency-resources page (issue 16 item 3): the demo drill's dispatch line by line
(returned, with what came back), the library's item that needs repair, the teams' certified
members; a new dispatch's line marked arrived from the page; in English too. The plant lists
an item (a latitude out of range is refused at the field first), registers a team and adds
a member from the page's forms. The command centre asks for a drill's absorbent from the
page's dispatch form (a negative quantity and a latitude out of range refused at their
fields, nothing stored), marks it arrived and records what came back (a negative quantity
refused first); what was used up leaves the library."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import (
    Server,
    choose,
    click_clear,
    field_error,
    log_in,
    saved_row,
    screenshot,
    unfold,
    wait_until_live,
)

pytestmark = pytest.mark.browser

API = "/api/district/resources"


def test_the_drill_dispatch_and_an_arrival_recorded_from_the_page(
    page: Any, server: Server
) -> None:
    with server.api("regulator") as api:
        drill = next(
            d
            for d in api.get(f"{API}/dispatches").json()
            if d["subject"] == "液氨泄漏事故综合应急演练" and d["closed_at"]
        )
        fresh = api.post(
            f"{API}/dispatches",
            json={
                "purpose": "drill",
                "drill_id": drill["drill_id"],
                "lat": "29.93",
                "lon": "121.805",
                "needs": [],
                "teams": 1,
            },
        )
        assert fresh.status_code == 201, fresh.text
        team_line = fresh.json()["lines"][0]["id"]
    log_in(page, "regulator", next_path="/district/resources")
    card = page.get_by_test_id(f"dispatch-{drill['id']}")
    expect(card).to_contain_text("液氨泄漏事故综合应急演练")
    expect(card.get_by_test_id("dispatch-closed")).to_have_text("已结束")
    first = card.get_by_test_id(f"line-{drill['lines'][0]['id']}")
    expect(first.get_by_test_id("line-state")).to_have_text("已归还")
    expect(first.get_by_test_id("line-returned")).to_have_text("归还 300kg")
    expect(page.get_by_test_id("item-ZX-PUMP-1").get_by_test_id("item-not-lendable")).to_have_text(
        "不可调用"
    )
    line = page.get_by_test_id(f"line-{team_line}")
    expect(line.get_by_test_id("line-state")).to_have_text("已调出")
    line.get_by_test_id(f"arrive-{team_line}").click()
    expect(page.get_by_test_id(f"line-{team_line}").get_by_test_id("line-state")).to_have_text(
        "已到场"
    )
    screenshot(page, "district_resources")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"dispatch-{drill['id']}")
    expect(card.get_by_test_id("dispatch-closed")).to_have_text("Closed")
    expect(
        card.get_by_test_id(f"line-{drill['lines'][0]['id']}").get_by_test_id("line-state")
    ).to_have_text("Returned")
    expect(page.get_by_test_id("resource-rules")).to_contain_text("Dispatch rules: within 30 km")


def test_the_plant_lists_an_item_and_registers_a_team_with_a_member(
    page: Any, server: Server
) -> None:
    log_in(page, "chem", next_path="/district/resources")
    unfold(page, page.get_by_test_id("new-item-form"))
    form = page.get_by_test_id("item-form")
    choose(page, form, "field-kind", "吸附材料")
    form.get_by_test_id("field-code").fill("HG-ABS-9")
    form.get_by_test_id("field-name").fill("吸油毡")
    form.get_by_test_id("field-lat").fill("95")
    form.get_by_test_id("field-lon").fill("121.805")
    form.get_by_test_id("field-quantity").fill("120")
    form.get_by_test_id("field-unit").fill("kg")
    form.get_by_test_id("item-form-save").click()
    expect(field_error(page, form, "field-lat")).not_to_be_empty()
    with server.api("chem") as api:
        assert "HG-ABS-9" not in {i["code"] for i in api.get(f"{API}/items").json()}
    form.get_by_test_id("field-lat").fill("29.931")
    form.get_by_test_id("item-form-save").click()
    expect(page.get_by_test_id("item-HG-ABS-9")).to_contain_text("吸油毡")
    expect(page.get_by_test_id("item-HG-ABS-9")).to_contain_text("120kg")
    unfold(page, page.get_by_test_id("new-team-form"))
    team = page.get_by_test_id("team-form")
    team.get_by_test_id("field-name").fill("海港精细化工气防站")
    choose(page, team, "field-kind", "企业专职消防队")
    team.get_by_test_id("field-lat").fill("29.9302")
    team.get_by_test_id("field-lon").fill("121.8049")
    team.get_by_test_id("team-form-save").click()
    expect(page.get_by_test_id("team-summary").filter(has_text="海港精细化工气防站")).to_have_count(
        1
    )
    with server.api("chem") as api:
        made = [t for t in api.get(f"{API}/teams").json() if t["name"] == "海港精细化工气防站"]
    assert len(made) == 1, made
    card = page.get_by_test_id(f"team-{made[0]['id']}")
    unfold(page, card.get_by_test_id(f"new-member-form-{made[0]['id']}"))
    member = card.get_by_test_id(f"member-form-{made[0]['id']}")
    member.get_by_test_id("field-person").fill("孙明")
    member.get_by_test_id("field-role").fill("站长")
    member.get_by_test_id(f"member-form-{made[0]['id']}-save").click()
    expect(page.get_by_test_id(f"team-{made[0]['id']}")).to_contain_text("孙明（站长）")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-item-form")).to_contain_text(
        "Add an item to the equipment library"
    )
    expect(page.get_by_test_id("new-team-form")).to_contain_text("Register a rescue team")


def test_the_command_centre_dispatches_from_the_page_and_records_what_came_back(
    page: Any, server: Server
) -> None:
    drill_title = "液氨泄漏事故综合应急演练"
    with server.api("regulator") as api:
        before = {d["id"] for d in api.get(f"{API}/dispatches").json()}
        stock = {i["equipment_id"]: i for i in api.get(f"{API}/items").json()}
    log_in(page, "regulator", next_path="/district/resources")
    unfold(page, page.get_by_test_id("new-dispatch-form"))
    form = page.get_by_test_id("dispatch-form")
    choose(page, form, "field-purpose", "演练")
    choose(page, form, "field-drill_id", drill_title)
    form.get_by_test_id("field-lat").fill("29.93")
    form.get_by_test_id("field-lon").fill("121.805")
    choose(page, form, "field-need-kind-0", "吸附材料")
    form.get_by_test_id("field-need-quantity-0").fill("-5")
    form.get_by_test_id("field-teams").fill("0")
    form.get_by_test_id("dispatch-form-save").click()
    expect(field_error(page, form, "field-need-quantity-0")).not_to_be_empty()
    form.get_by_test_id("field-need-quantity-0").fill("100")
    form.get_by_test_id("field-lat").fill("95")
    form.get_by_test_id("dispatch-form-save").click()
    expect(field_error(page, form, "field-lat")).not_to_be_empty()
    with server.api("regulator") as api:
        assert {d["id"] for d in api.get(f"{API}/dispatches").json()} == before
    form.get_by_test_id("field-lat").fill("29.93")
    form.get_by_test_id("dispatch-form-save").click()
    dispatch = saved_row(server, "regulator", f"{API}/dispatches", before, form)
    assert dispatch["subject"] == drill_title and dispatch["shortfalls"] == []
    (line,) = dispatch["lines"]
    assert line["kind_label"] == "吸附材料" and float(line["quantity"]) == 100
    # The reloaded page lists the new dispatch; its socket is live before the next click.
    card = page.get_by_test_id(f"dispatch-{dispatch['id']}")
    expect(card.get_by_test_id("line-state")).to_have_text("已调出")
    wait_until_live(page)
    click_clear(card.get_by_test_id(f"arrive-{line['id']}"), page)
    row = page.get_by_test_id(f"line-{line['id']}")
    expect(row.get_by_test_id("line-state")).to_have_text("已到场")
    row.get_by_test_id(f"returned-quantity-{line['id']}").fill("-1")
    click_clear(row.get_by_test_id(f"return-{line['id']}"), page)
    expect(field_error(page, row, f"returned-quantity-{line['id']}")).not_to_be_empty()
    with server.api("regulator") as api:
        (shown,) = [d for d in api.get(f"{API}/dispatches").json() if d["id"] == dispatch["id"]]
    assert shown["lines"][0]["state"] == "arrived"
    row.get_by_test_id(f"returned-quantity-{line['id']}").fill("60")
    row.get_by_test_id(f"return-note-{line['id']}").fill("吸附棉耗用40kg")
    click_clear(row.get_by_test_id(f"return-{line['id']}"), page)
    row = page.get_by_test_id(f"line-{line['id']}")
    expect(row.get_by_test_id("line-state")).to_have_text("已归还")
    expect(row.get_by_test_id("line-returned")).to_have_text("归还 60kg")
    expect(
        page.get_by_test_id(f"dispatch-{dispatch['id']}").get_by_test_id("dispatch-closed")
    ).to_have_text("已结束")
    with server.api("regulator") as api:
        (shown,) = [d for d in api.get(f"{API}/dispatches").json() if d["id"] == dispatch["id"]]
        items = {i["equipment_id"]: i for i in api.get(f"{API}/items").json()}
    assert shown["lines"][0]["returned_quantity"] is not None
    assert float(shown["lines"][0]["returned_quantity"]) == 60
    assert shown["lines"][0]["note"] == "吸附棉耗用40kg"
    assert shown["closed_at"] is not None
    used = float(stock[line["equipment_id"]]["quantity"]) - float(
        items[line["equipment_id"]]["quantity"]
    )
    assert used == 40
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-dispatch-form")).to_contain_text("Dispatch emergency resources")
