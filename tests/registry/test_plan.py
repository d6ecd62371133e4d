"""A building's floor plan (issue 13 item 5): the 2·7 suite laid out by its doors (entrance
reader → changing room and dry room 2 → inner door → dry room 1), a dragged room kept
where it was put (audited), only by who may write for the room, bad input refused."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def test_the_2_7_suite_is_laid_out_behind_its_doors(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    plan = client.get(f"/api/registry/buildings/{demo['shed']}/plan", headers=lab)
    assert plan.status_code == 200, plan.text
    body = plan.json()
    rooms = {r["name"]: r for r in body["rooms"]}
    depth = {name: room["depth"] for name, room in rooms.items()}
    assert depth["干燥房1"] == 2 > depth["干燥房2"] == depth["更衣室"] == 1 > depth["办公室"] == 0
    assert rooms["干燥房1"]["x"] > rooms["更衣室"]["x"] > rooms["办公室"]["x"]
    assert "液氮储罐区" not in rooms  # the landlord's yard: not the lab's to see
    doors = {d["code"]: d for d in body["doors"]}
    ids = {name: room["id"] for name, room in rooms.items()}
    assert doors["LAB-ENTRANCE"]["guards"] == sorted(
        ids[n] for n in ("更衣室", "干燥房1", "干燥房2")
    )
    assert doors["LAB-DRY1"]["guards"] == [ids["干燥房1"]]
    assert doors["LAB-DRY1"]["at_room"] == ids["干燥房1"]
    assert doors["LAB-ENTRANCE"]["at_room"] in (ids["更衣室"], ids["干燥房2"])


def test_a_dragged_room_stays_where_it_was_put(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    moved = client.put(
        f"/api/registry/rooms/{demo['dry_room_1']}/placement",
        json={"x": 640, "y": 300},
        headers=lab,
    )
    assert moved.status_code == 204, moved.text
    plan = client.get(f"/api/registry/buildings/{demo['shed']}/plan", headers=lab).json()
    dry1 = next(r for r in plan["rooms"] if r["id"] == demo["dry_room_1"])
    assert (dry1["x"], dry1["y"], dry1["placed"]) == (640, 300, True)
    assert plan["width"] >= 640 + 180
    with context.unit_of_work() as session:
        entry = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert entry is not None and (entry.actor, entry.entity_type) == ("liu", "room_placement")


def test_only_who_may_write_for_the_room_moves_it_and_bad_input_is_refused(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    url = f"/api/registry/rooms/{demo['dry_room_1']}/placement"
    other = client.put(url, json={"x": 1, "y": 1}, headers=chem)
    assert other.status_code == 404 and error_code(other) == "scope.not_found"
    plan = client.get(f"/api/registry/buildings/{demo['shed']}/plan", headers=chem)
    assert plan.status_code == 404
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    for bad in ({"x": -1, "y": 0}, {"x": 0, "y": 2001}, {"x": 0}, {"x": 0, "y": 0, "z": 1}):
        refused = client.put(url, json=bad, headers=lab)
        assert refused.status_code == 422, (bad, refused.text)
    plan = client.get(f"/api/registry/buildings/{demo['shed']}/plan", headers=lab).json()
    assert not any(r["placed"] for r in plan["rooms"])  # nothing stored changed
