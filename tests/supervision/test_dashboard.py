"""The regulator dashboard (issue 15 item 9): each figure of the district with its items,
each naming its organisation and the list it drills down to; a street sees its street; a
regulator elsewhere and an enterprise see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.models import Jurisdiction
from tests.supervision.test_dispatch import low_o2_alarm

Login = Callable[..., dict[str, str]]


def figure(board: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in board["figures"] if f["key"] == key)


def test_the_district_dashboard_drills_down_to_lists_and_organisations(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    low_o2_alarm(context, demo)
    ema = login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"])
    client.post("/api/supervision/dispatches/scan", headers=ema).raise_for_status()
    board = client.get("/api/supervision/dashboard", headers=ema)
    assert board.status_code == 200, board.text
    shown = board.json()
    assert shown["jurisdiction_id"] == demo["district"]
    assert [f["key"] for f in shown["figures"]] == [
        "grades",
        "codes",
        "open_warnings",
        "open_dispatches",
        "blind_spots",
        "overdue_hidden_dangers",
        "missing_commitments",
        "incidents",
        "task_progress",
    ]
    for one in shown["figures"]:
        assert one["count"] == len(one["items"]) and one["link"].startswith("/")
    warnings = figure(shown, "open_warnings")
    alarm = next(i for i in warnings["items"] if i["organisation_id"] == demo["lab"])
    assert alarm["flag"] == "urgent" and alarm["age_minutes"] == 0
    assert alarm["link"] == f"/registry/organisations/{demo['lab']}"
    orders = figure(shown, "open_dispatches")
    assert any(i["organisation_id"] == demo["lab"] for i in orders["items"])
    spots = figure(shown, "blind_spots")
    assert demo["lab"] in {i["organisation_id"] for i in spots["items"]}
    codes = figure(shown, "codes")
    lab_code = next(i for i in codes["items"] if i["organisation_id"] == demo["lab"])
    assert lab_code["flag"] == "red"  # the done-when: the sub-let lab's code is red
    grades = figure(shown, "grades")
    assert sum(grades["by_level"].values()) == grades["count"] > 0
    progress = figure(shown, "task_progress")
    assert progress["count"] == 21 and progress["by_level"]["not_reported"] == 21
    assert figure(shown, "overdue_hidden_dangers")["count"] >= 1


def test_the_dashboard_is_scoped_to_the_jurisdiction(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    own = client.get("/api/supervision/dashboard", headers=street).json()
    assert own["jurisdiction_id"] == demo["street"]
    district = client.get(
        "/api/supervision/dashboard", params={"jurisdiction_id": demo["district"]}, headers=street
    )
    assert district.status_code == 404
    with context.unit_of_work() as session:
        other = Jurisdiction(kind="district", name="别区", code="330300")
        session.add(other)
        session.flush()
        other_id = other.id
    elsewhere = login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=other_id)
    theirs = client.get("/api/supervision/dashboard", headers=elsewhere).json()
    assert all(f["items"] == [] for f in theirs["figures"] if f["key"] != "task_progress")
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.get("/api/supervision/dashboard", headers=lab).status_code == 403
    bad = client.get("/api/supervision/dashboard", params={"jurisdiction_id": 0}, headers=street)
    assert bad.status_code == 422
