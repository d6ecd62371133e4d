"""The district programme's console pages (issue 16): the demo manifest that fails
reconciliation, in Chinese and English, and a bad waste code refused on its field."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def _short_manifest(server: Server) -> int:
    with server.api("regulator") as api:
        manifests = api.get("/api/district/waste/manifests").json()
    return next(m["id"] for m in manifests if m["fails_reconciliation"])


def test_the_short_manifest_shows_its_mismatch_in_both_languages(page: Any, server: Server) -> None:
    short = _short_manifest(server)
    log_in(page, "regulator", next_path="/district/waste")
    card = page.get_by_test_id(f"manifest-{short}")
    expect(card.get_by_test_id("manifest-mismatch")).to_have_text("数量不符")
    expect(card.get_by_test_id("manifest-state")).to_have_text("已接收")
    expect(card.get_by_test_id("manifest-quantities")).to_contain_text("接收 1850 kg")
    expect(page.get_by_test_id("manifest-form")).to_have_count(0)  # regulators read only
    screenshot(page, "district_waste")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"manifest-{short}")
    expect(card.get_by_test_id("manifest-mismatch")).to_have_text("Quantities differ")
    expect(card.get_by_test_id("manifest-quantities")).to_contain_text("received 1850 kg")


def test_a_producer_is_told_which_field_is_wrong(page: Any, server: Server) -> None:
    log_in(page, "chem", next_path="/district/waste")
    form = page.get_by_test_id("manifest-form")
    for field, option in (
        ("承运人", "海港危运物流有限公司"),
        ("接受人", "海港环保处置有限公司"),
    ):
        form.get_by_role("combobox", name=field).click()
        page.get_by_role("option", name=option).click()
    form.get_by_test_id("field-vehicle_plate").fill("浙B·T0001")
    form.get_by_test_id("field-waste_code").fill("900-041-43")
    form.get_by_test_id("field-waste_name").fill("废包装桶")
    form.get_by_test_id("field-quantity_kg").fill("100")
    form.get_by_test_id("issue-manifest").click()
    expect(form).to_contain_text("HW01–HW40")
    form.get_by_test_id("field-waste_code").fill("900-041-49")
    form.get_by_test_id("issue-manifest").click()
    expect(page.get_by_text("浙B·T0001").first).to_be_visible()
