"""A lease naming another organisation, confirmed by that organisation in the console."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def _ids(server: Server) -> dict[str, int]:
    with server.api("admin") as api:
        organisations = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
        sites = {s["name"]: s["id"] for s in api.get("/api/registry/sites").json()}
    return {
        "landlord": organisations["宁海精工工具有限公司"],
        "chem": organisations["海港精细化工有限公司"],
        "plant": sites["龙山路88号厂区"],
    }


def test_the_named_lessee_confirms_the_lease_in_the_console(page: Any, server: Server) -> None:
    ids = _ids(server)
    with server.api("landlord") as api:
        asked = api.post(
            "/api/registry/leases",
            json={
                "lessor_id": ids["landlord"],
                "lessee_id": ids["chem"],
                "site_id": ids["plant"],
                "start_date": "2026-01-01",
            },
        )
    assert asked.status_code == 201, asked.text
    lease = asked.json()
    assert lease["status"] == "pending"
    form = f"/registry/leases/{lease['id']}"

    # The asking landlord sees that the lease waits and grants nothing; it has no buttons.
    log_in(page, "landlord", next_path=form)
    expect(page.get_by_test_id("consent")).to_contain_text("等待对方确认")
    expect(page.get_by_test_id("confirm")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, "chem", next_path=form)
    expect(page.get_by_test_id("consent")).to_contain_text("等待贵单位确认")
    screenshot(page, "registry-lease-awaits-confirmation")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("consent")).to_have_count(0)
    with server.api("chem") as api:
        assert api.get(f"/api/registry/leases/{lease['id']}").json()["status"] == "confirmed"
