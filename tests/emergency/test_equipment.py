"""The equipment registry (issue 14 item 6): SCBA sets, escape packs, portable O2 meters and
fans with their periodic checks. A hidden danger opened by a failed SCBA check, recorded
through the registry, travels the whole loop (register → grade → order with the five fixes →
self-check → acceptance by another person → closed) with an overdue escalation on a manual
clock; an overdue or failed check of any item opens one; the holder's rescue entry waits for
a ready set."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.emergency.readiness.models import EquipmentCheck
from hazwatch.emergency.readiness.watch import EquipmentWatch
from hazwatch.prevention.hazard_findings.models import HazardFinding
from tests.conftest import error_code
from tests.monitoring.conftest import Received
from tests.prevention.test_hidden_dangers import API, act, demo_ids, ladder, relogin, tick

Login = Callable[..., dict[str, str]]
EQUIPMENT = "/api/emergency/equipment"


def check(client: TestClient, headers: dict[str, str], code: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"{EQUIPMENT}/{code}/checks", headers=headers, json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def registry(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in client.get(EQUIPMENT, headers=headers).json()}


def test_a_failed_scba_check_opens_a_hidden_danger_that_travels_the_whole_loop(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    login_as: Login,
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    demo = demo_ids(context)
    ladder(context, demo, url)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    manager = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"], username="chen")
    made = client.post(
        EQUIPMENT,
        headers=officer,
        json={
            "organisation_id": demo["lab"],
            "kind": "scba",
            "code": "LAB-SCBA-9",
            "holder": "wang",
        },
    )
    assert made.status_code == 201, made.text
    rescue = client.post(
        "/api/access/check",
        headers=officer,
        json={"door": "LAB-DRY1", "person": "wang", "purpose": "rescue"},
    ).json()
    assert rescue["decision"] == "deny"  # never checked: not ready

    low = check(client, officer, "LAB-SCBA-9", cylinder_pressure_mpa="18")  # below 25 MPa
    finding = low["hidden_danger_id"]
    assert finding is not None
    item = registry(client, officer)["LAB-SCBA-9"]
    assert (item["kind"], item["ready"], item["reason"]) == (
        "scba",
        False,
        "emergency.scba_low_pressure",
    )
    assert item["hidden_danger_id"] == finding
    rescue = client.post(
        "/api/access/check",
        headers=officer,
        json={"door": "LAB-DRY1", "person": "wang", "purpose": "rescue"},
    ).json()
    assert "emergency.scba_low_pressure" in [r["code"] for r in rescue["reasons"]]
    assert rescue["decision"] == "deny"  # the holder's rescue entry is not ready

    shown = client.get(f"{API}/{finding}", headers=officer).json()
    assert (shown["state"], shown["grade"]) == ("graded", "general")
    # a skipped transition: closing before anything was done
    skipped = act(client, officer, finding, "close")
    assert skipped.status_code == 409, skipped.text
    past = act(
        client,
        officer,
        finding,
        "order",
        measures="换瓶",
        responsible_person="王五",
        funds_yuan="800",
        contingency_plan="借用备用呼吸器",
        deadline=(clock.now() - timedelta(days=1)).isoformat(),
    )
    assert past.status_code == 422 and past.json()["error"]["field"] == "deadline"
    ordered = act(
        client,
        officer,
        finding,
        "order",
        measures="更换气瓶并充气至 30 MPa",
        responsible_person="王五",
        funds_yuan="800",
        contingency_plan="借用备用呼吸器，救援须两人",
    )
    assert ordered.status_code == 200, ordered.text
    assert act(client, officer, finding, "start").json()["state"] == "rectifying"

    # nothing done by the deadline: the lab's ladder on the manual clock
    t0 = clock.now() + timedelta(days=30, minutes=1)
    for minutes in (0, 5, 10):
        clock.set(t0 + timedelta(minutes=minutes))
        tick(client)
    paths = [path for path, _body in received.requests]
    assert paths == ["/duty", "/manager", "/regulator"]
    assert received.requests[0][1]["hazard_finding_id"] == finding
    assert received.requests[0][1]["overdue"] is True
    officer, manager = relogin(context, "liu"), relogin(context, "chen")

    still = act(client, officer, finding, "self-check", comment="已充气")
    assert still.status_code == 409 and error_code(still) == "hazard.source_still_failing"
    assert (
        check(client, officer, "LAB-SCBA-9", cylinder_pressure_mpa="29.5")["hidden_danger_id"]
        == finding
    )
    done = act(client, officer, finding, "self-check", comment="气瓶已更换，复检 29.5 MPa")
    assert done.json()["state"] == "self_checked"
    own = act(client, officer, finding, "accept")
    assert own.status_code == 403 and own.json()["error"]["field"] == "accepted_by"
    assert act(client, manager, finding, "accept", comment="现场复核").json()["state"] == "accepted"
    closed = act(client, manager, finding, "close").json()
    assert closed["state"] == "closed"
    assert [e["action"] for e in closed["timeline"]] == [
        "report",
        "grade",
        "order",
        "start",
        "self_check",
        "accept",
        "close",
    ]
    before = len(received.requests)
    clock.set(t0 + timedelta(days=2))
    tick(client)
    assert len(received.requests) == before  # closed: nobody is called again
    officer = relogin(context, "liu")
    rescue = client.post(
        "/api/access/check",
        headers=officer,
        json={"door": "LAB-DRY1", "person": "wang", "purpose": "rescue"},
    ).json()
    assert "access.reason.rescue_with_scba" in [r["code"] for r in rescue["reasons"]]


def test_other_equipment_is_checked_periodically_and_an_overdue_check_opens_a_hidden_danger(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    for kind, code in (("escape_pack", "EP-1"), ("portable_o2_meter", "PO2-1"), ("fan", "FAN-P1")):
        made = client.post(
            EQUIPMENT,
            headers=officer,
            json={
                "organisation_id": demo["lab"],
                "kind": kind,
                "code": code,
                "check_interval_days": 7,
            },
        )
        assert made.status_code == 201, made.text
    taken = client.post(
        EQUIPMENT,
        headers=officer,
        json={"organisation_id": demo["lab"], "kind": "fan", "code": "EP-1"},
    )
    assert taken.status_code == 409 and taken.json()["error"]["field"] == "code"
    assert registry(client, officer)["EP-1"]["reason"] == "readiness.never_checked"
    assert check(client, officer, "EP-1")["hidden_danger_id"] is None
    failed = check(client, officer, "PO2-1", passed=False, notes="传感器失效")
    assert failed["hidden_danger_id"] is not None
    future = client.post(
        f"{EQUIPMENT}/FAN-P1/checks",
        headers=officer,
        json={"at": (clock.now() + timedelta(hours=1)).isoformat()},
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "at"
    scba_without_pressure = client.post(
        EQUIPMENT,
        headers=officer,
        json={"organisation_id": demo["lab"], "kind": "scba", "code": "LAB-SCBA-8"},
    )
    assert scba_without_pressure.status_code == 201
    refused = client.post(f"{EQUIPMENT}/LAB-SCBA-8/checks", headers=officer, json={})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "cylinder_pressure_mpa"
    with context.sessions() as session:
        assert session.scalar(select(func.count(EquipmentCheck.id))) == 2

    def opened_for(code: str) -> int:
        with context.sessions() as session:
            return int(
                session.scalar(
                    select(func.count(HazardFinding.id)).where(
                        HazardFinding.source_type == "emergency_equipment",
                        HazardFinding.params["code"].as_string() == code,
                    )
                )
                or 0
            )

    watch = EquipmentWatch(context)
    watch.tick(clock.now())
    assert opened_for("EP-1") == 0
    clock.advance(timedelta(days=7, seconds=1))
    watch.tick(clock.now())
    assert opened_for("EP-1") == 1
    assert registry(client, relogin_any(context, login_as, demo))["EP-1"]["reason"] == (
        "readiness.check_overdue"
    )
    # another organisation neither sees nor checks the lab's equipment
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert "EP-1" not in registry(client, chem)
    other = client.post(f"{EQUIPMENT}/EP-1/checks", headers=chem, json={})
    assert other.status_code in (404, 422)


def relogin_any(context: Context, login_as: Login, demo: Any) -> dict[str, str]:
    return login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])


def test_the_equipment_checks_ledger_lists_every_check_in_the_readers_language(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    for kind, code in (("scba", "LED-SCBA"), ("fan", "LED-FAN")):
        made = client.post(
            EQUIPMENT,
            headers=officer,
            json={"organisation_id": demo["lab"], "kind": kind, "code": code, "holder": "wang"},
        )
        assert made.status_code == 201, made.text
    start = clock.now()
    check(client, officer, "LED-SCBA", cylinder_pressure_mpa="25")  # the minimum passes
    clock.advance(timedelta(minutes=1))
    check(client, officer, "LED-SCBA", cylinder_pressure_mpa="24.9", mask_ok=False)
    clock.advance(timedelta(minutes=1))
    check(client, officer, "LED-FAN", passed=False, notes="叶轮卡滞")
    officer = relogin(context, "liu")

    rows = client.get(f"{EQUIPMENT}/checks", headers=officer).json()
    mine = [r for r in rows if r["code"].startswith("LED-")]
    assert [(r["code"], r["passed"]) for r in mine] == [
        ("LED-FAN", False),
        ("LED-SCBA", False),
        ("LED-SCBA", True),
    ]
    assert mine[1]["defects"] == ["readiness.ledger.low_pressure", "readiness.ledger.mask_defect"]
    assert (mine[2]["cylinder_pressure_mpa"], mine[2]["minimum_pressure_mpa"]) == ("25", "25")
    assert mine[0]["checked_by"] == "liu" and mine[0]["notes"] == "叶轮卡滞"
    later = client.get(
        f"{EQUIPMENT}/checks",
        headers=officer,
        params={"since": (start + timedelta(seconds=30)).isoformat()},
    ).json()
    assert [r["code"] for r in later if r["code"].startswith("LED-")] == ["LED-FAN", "LED-SCBA"]
    bad = client.get(f"{EQUIPMENT}/checks", headers=officer, params={"since": "0.5"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.since"

    for language, title, failed, low in (
        ("en", "Equipment checks ledger", "failed", "cylinder below its minimum pressure"),
        ("zh-CN", "应急器材检查台账", "不合格", "气瓶压力低于最低值"),
    ):
        xlsx = client.get(
            f"{EQUIPMENT}/checks.xlsx", headers={**officer, "Accept-Language": language}
        )
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        table = list(sheet.iter_rows(values_only=True))
        assert table[0][0] == title
        header = list(table[2])
        scba = [r for r in table[3:] if r[2] == "LED-SCBA"]
        assert len(scba) == 2
        assert scba[0][header.index(table[2][7])] == failed
        assert low in str(scba[0][9]) and "24.9" in str(scba[0][8])

    # another organisation sees none of the lab's checks, in the list or the file
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert not [r for r in client.get(f"{EQUIPMENT}/checks", headers=chem).json()
                if r["code"].startswith("LED-")]  # fmt: skip
    sheet = load_workbook(
        io.BytesIO(client.get(f"{EQUIPMENT}/checks.xlsx", headers=chem).content)
    ).active
    assert sheet is not None
    assert "LED-SCBA" not in {r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}


def test_the_equipment_checks_ledger_filters_by_site_and_organisation(
    client: TestClient, context: Context, login_as: Login
) -> None:
    demo = demo_ids(context)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="zhou")
    for kind, code, site in (
        ("scba", "SITE-SCBA", demo["plant"]),
        ("fan", "SITE-FAN", demo["plant"]),
        ("fan", "NOSITE-FAN", None),
    ):
        made = client.post(
            EQUIPMENT,
            headers=officer,
            json={"organisation_id": demo["lab"], "kind": kind, "code": code, "site_id": site},
        )
        assert made.status_code == 201, made.text
    # a set kept at another enterprise's site is refused, naming the field; nothing stored
    elsewhere = client.post(
        EQUIPMENT,
        headers=officer,
        json={
            "organisation_id": demo["lab"],
            "kind": "scba",
            "code": "ELSEWHERE",
            "site_id": demo["chem_site"],
        },
    )
    assert elsewhere.status_code in (403, 404) and elsewhere.json()["error"]["field"] == "site_id"
    assert "ELSEWHERE" not in registry(client, officer)
    check(client, officer, "SITE-SCBA", cylinder_pressure_mpa="28")
    check(client, officer, "SITE-FAN", passed=True)
    check(client, officer, "NOSITE-FAN", passed=True)
    officer = relogin(context, "zhou")

    def codes(**params: Any) -> set[str]:
        answer = client.get(f"{EQUIPMENT}/checks", headers=officer, params=params)
        assert answer.status_code == 200, answer.text
        return {r["code"] for r in answer.json() if "SITE-" in r["code"]}

    assert codes() == {"SITE-SCBA", "SITE-FAN", "NOSITE-FAN"}
    assert codes(site_id=demo["plant"]) == {"SITE-SCBA", "SITE-FAN"}
    assert codes(site_id=demo["chem_site"]) == set()
    assert codes(organisation_id=demo["lab"]) == {"SITE-SCBA", "SITE-FAN", "NOSITE-FAN"}
    assert codes(organisation_id=demo["chem"]) == set()
    rows = client.get(f"{EQUIPMENT}/checks", headers=officer, params={"site_id": demo["plant"]})
    assert {r["site_id"] for r in rows.json()} == {demo["plant"]}
    sheet = load_workbook(
        io.BytesIO(
            client.get(
                f"{EQUIPMENT}/checks.xlsx", headers=officer, params={"site_id": demo["plant"]}
            ).content
        )
    ).active
    assert sheet is not None
    listed = {r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert {"SITE-SCBA", "SITE-FAN"} <= listed and "NOSITE-FAN" not in listed
    bad = client.get(f"{EQUIPMENT}/checks", headers=officer, params={"site_id": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.site_id"


def test_equipment_is_registered_on_the_site_its_organisation_leases_under_one_code_space(
    client: TestClient, context: Context, login_as: Login
) -> None:
    """The sub-let lab registers an SCBA set and an escape pack on its landlord's site (the
    site comes back with the registry); a code another item holds, in either table, is a
    409 at ``code``; another organisation's site a 404 at ``site_id``; nothing stored."""
    demo = demo_ids(context)
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    base = {"organisation_id": demo["lab"], "site_id": demo["plant"]}
    made = client.post(EQUIPMENT, headers=lab, json={**base, "kind": "scba", "code": "SCBA-9"})
    assert made.status_code == 201, made.text
    pack = client.post(
        EQUIPMENT, headers=lab, json={**base, "kind": "escape_pack", "code": "EEBD-9"}
    )
    assert pack.status_code == 201, pack.text
    items = registry(client, lab)
    assert items["SCBA-9"]["site_id"] == demo["plant"] == items["EEBD-9"]["site_id"]
    before = len(items)
    for code in ("EEBD-9", "SCBA-9"):
        for kind in ("scba", "fan"):
            taken = client.post(EQUIPMENT, headers=lab, json={**base, "kind": kind, "code": code})
            assert taken.status_code == 409, taken.text
            assert taken.json()["error"]["field"] == "code"
    elsewhere = client.post(
        EQUIPMENT,
        headers=lab,
        json={**base, "site_id": demo["chem_site"], "kind": "fan", "code": "FAN-9"},
    )
    assert (elsewhere.status_code, elsewhere.json()["error"]["field"]) == (404, "site_id")
    low = client.post(
        EQUIPMENT,
        headers=lab,
        json={**base, "kind": "scba", "code": "SCBA-10", "minimum_pressure_mpa": "31"},
    )
    assert (low.status_code, low.json()["error"]["field"]) == (422, "minimum_pressure_mpa")
    assert len(registry(client, lab)) == before
