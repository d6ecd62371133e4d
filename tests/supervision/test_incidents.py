"""Incidents over the API (Order 493): reporting deadlines on a manual clock, casualty
changes and their window, the investigation's due date, refused figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
#: 2·7: the worker walked in at 08:22 Beijing time; the technical director at 12:11.
OCCURRED = datetime(2025, 2, 7, 0, 22, tzinfo=UTC)
KNOWN = datetime(2025, 2, 7, 4, 11, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _record(client: TestClient, headers: dict[str, str], demo: DemoIds, **extra: Any) -> Any:
    body = {
        "organisation_id": demo["lab"],
        "title": "干燥房1氮气窒息事故",
        "occurred_at": _iso(OCCURRED),
        "known_at": _iso(KNOWN),
        "deaths": 1,
        "serious_injuries": 1,
        "direct_loss_yuan": "2871000",
        "room_id": demo["dry_room_1"],
        **extra,
    }
    return client.post("/api/supervision/incidents", json=body, headers=headers)


def test_the_reporting_chain_on_a_manual_clock(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(KNOWN + timedelta(minutes=30))
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    district = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    made = _record(client, lab, demo)
    assert made.status_code == 201, made.text
    incident = made.json()
    assert incident["grade"] == "general" and incident["grade_label"] == "一般事故"
    assert "493" in incident["grade_source"]
    assert [s["level"] for s in incident["steps"]] == ["county", "city"]
    county = incident["steps"][0]
    assert county["due"].startswith("2025-02-07T05:11")  # 1 h after the unit knew
    assert not county["overdue"] and incident["overdue_steps"] == 0
    path = f"/api/supervision/incidents/{incident['id']}"
    # one minute past the hour: overdue
    clock.set(KNOWN + timedelta(hours=1, minutes=1))
    assert client.get(path, headers=district).json()["steps"][0]["overdue"]
    # the county heard at 13:44 Beijing time (05:44 UTC): 33 minutes late
    clock.set(datetime(2025, 2, 7, 6, 0, tzinfo=UTC))
    reported_at = datetime(2025, 2, 7, 5, 44, tzinfo=UTC)
    # the city level is the regulator's step, and only after the county's
    early = client.post(
        f"{path}/reports",
        json={"level": "city", "reported_at": _iso(reported_at)},
        headers=district,
    )
    assert (
        early.status_code == 409 and error_code(early) == "supervision.incident.report_out_of_order"
    )
    shown = client.post(
        f"{path}/reports",
        json={"level": "county", "reported_at": _iso(reported_at), "recipient": "区应急管理局"},
        headers=lab,
    ).json()
    assert shown["steps"][0]["late"] and shown["late_steps"] == 1
    city_due = shown["steps"][1]["due"]
    assert city_due.startswith("2025-02-07T07:44")  # 2 h after the county received it
    assert (
        client.post(
            f"{path}/reports",
            json={"level": "city", "reported_at": _iso(reported_at + timedelta(hours=1))},
            headers=lab,
        ).status_code
        == 403
    )  # the unit reports only to the county
    clock.set(datetime(2025, 2, 7, 7, 45, tzinfo=UTC))
    assert client.get(path, headers=district).json()["steps"][1]["overdue"]
    on_time = client.post(
        f"{path}/reports",
        json={"level": "city", "reported_at": "2025-02-07T06:49:00Z"},
        headers=district,
    ).json()
    assert [s["late"] for s in on_time["steps"]] == [True, False]
    assert on_time["overdue_steps"] == 0
    assert (
        client.post(
            f"{path}/reports",
            json={"level": "province", "reported_at": "2025-02-07T06:52:00Z"},
            headers=district,
        ).status_code
        == 422
    )  # a general accident goes no higher than the city


def test_casualty_changes_within_the_window_regrade_the_incident(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(KNOWN + timedelta(hours=1))
    district = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    incident = _record(client, district, demo).json()
    path = f"/api/supervision/incidents/{incident['id']}"
    assert incident["casualty_window_ends"].startswith("2025-03-09T00:22")  # 30 days
    assert incident["investigation_due"].startswith("2025-04-08T00:22")  # 60 days
    clock.set(OCCURRED + timedelta(days=1))
    died = client.post(
        f"{path}/casualties",
        json={"at": _iso(OCCURRED + timedelta(days=1)), "deaths": 2, "serious_injuries": 0},
        headers=district,
    ).json()
    assert (died["deaths"], died["serious_injuries"], died["grade"]) == (2, 0, "general")
    grown = client.post(
        f"{path}/casualties",
        json={"at": _iso(OCCURRED + timedelta(days=1)), "deaths": 3, "serious_injuries": 0},
        headers=district,
    ).json()
    assert grown["grade"] == "larger" and grown["grade_criteria"] == ["deaths"]
    assert [s["level"] for s in grown["steps"]] == ["county", "city", "province"]
    assert [c["grade_after"] for c in grown["changes"]] == ["general", "larger"]
    # a death cannot be undone; injuries cannot vanish
    fewer = client.post(
        f"{path}/casualties",
        json={"at": _iso(OCCURRED + timedelta(days=1)), "deaths": 2, "serious_injuries": 0},
        headers=district,
    )
    assert fewer.status_code == 422 and fewer.json()["error"]["field"] == "deaths"
    clock.set(OCCURRED + timedelta(days=31))
    district = login_as(  # a token lives a day
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    late = client.post(
        f"{path}/casualties",
        json={"at": _iso(OCCURRED + timedelta(days=31)), "deaths": 4, "serious_injuries": 0},
        headers=district,
    )
    assert late.status_code == 409 and late.json()["error"]["field"] == "at"
    assert error_code(late) == "supervision.incident.casualty_window_closed"
    extended = client.post(
        f"{path}/extension", json={"days": 60, "approved_by": "海港区人民政府"}, headers=district
    ).json()
    assert extended["investigation_due"].startswith("2025-06-07T00:22")  # +60
    more = client.post(
        f"{path}/extension", json={"days": 1, "approved_by": "海港区人民政府"}, headers=district
    )
    assert more.status_code == 422 and more.json()["error"]["field"] == "days"


def test_fire_and_road_accidents_have_seven_days(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(OCCURRED + timedelta(days=8))
    admin = login_as(Role.PLATFORM_ADMIN)
    fire = _record(client, admin, demo, kind="fire").json()
    assert fire["casualty_window_ends"].startswith("2025-02-14T00:22")
    refused = client.post(
        f"/api/supervision/incidents/{fire['id']}/casualties",
        json={
            "at": _iso(OCCURRED + timedelta(days=7, minutes=1)),
            "deaths": 2,
            "serious_injuries": 0,
        },
        headers=admin,
    )
    assert refused.status_code == 409
    inside = client.post(
        f"/api/supervision/incidents/{fire['id']}/casualties",
        json={"at": _iso(OCCURRED + timedelta(days=7)), "deaths": 2, "serious_injuries": 0},
        headers=admin,
    )
    assert inside.status_code == 200  # the seventh day itself still counts


def test_negative_or_inconsistent_figures_are_refused_naming_the_field(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(KNOWN + timedelta(hours=1))
    admin = login_as(Role.PLATFORM_ADMIN)
    for changes, field in (
        ({"deaths": -1}, "deaths"),
        ({"serious_injuries": -3}, "serious_injuries"),
        ({"direct_loss_yuan": "-1"}, "direct_loss_yuan"),
        ({"direct_loss_yuan": "NaN"}, "direct_loss_yuan"),
        ({"occurred_at": "2025-02-08T00:00:00Z", "known_at": None}, "occurred_at"),
        ({"known_at": "2025-02-06T00:00:00Z"}, "known_at"),
        ({"deaths": 2_000_000}, "deaths"),
    ):
        body = {k: v for k, v in changes.items() if v is not None}
        answer = _record(client, admin, demo, **body)
        if changes.get("known_at", 1) is None:
            answer = client.post(
                "/api/supervision/incidents",
                json={
                    "organisation_id": demo["lab"],
                    "title": "x",
                    "occurred_at": changes["occurred_at"],
                },
                headers=admin,
            )
        assert 400 <= answer.status_code < 500, (changes, answer.text)
        assert answer.json()["error"]["field"] == field, (changes, answer.text)
    assert client.get("/api/supervision/incidents", headers=admin).json() == []


def test_incidents_are_scoped(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(KNOWN + timedelta(hours=1))
    admin = login_as(Role.PLATFORM_ADMIN)
    made = _record(client, admin, demo).json()
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    assert client.get("/api/supervision/incidents", headers=chem).json() == []
    assert client.get(f"/api/supervision/incidents/{made['id']}", headers=chem).status_code == 404
    assert [i["id"] for i in client.get("/api/supervision/incidents", headers=street).json()] == [
        made["id"]
    ]
