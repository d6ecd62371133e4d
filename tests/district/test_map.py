"""The district map (issue 16 item 7): each layer as GeoJSON for the caller; the demo's
tanker in the restricted tunnel and the manifest that fails reconciliation are on it; places
are checked (coordinates, self-intersecting outlines) and scoped to their owners."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.context import Context
from hazwatch.district.map import service
from hazwatch.district.map.choices import MapLayer
from hazwatch.district.map.models import ParkOutline, SiteLocation
from hazwatch.district.transport.demo import IN_TUNNEL
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

Login = Callable[..., dict[str, str]]
API = "/api/district/map"
runner = CliRunner()
BOW_TIE = "POLYGON ((121.70 29.80, 121.80 29.90, 121.80 29.80, 121.70 29.90, 121.70 29.80))"


def _layers(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{API}/layers", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _ids(layer: dict[str, Any]) -> set[Any]:
    return {f["properties"]["id"] for f in layer["features"]}


def test_the_demo_district_on_the_map(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    layers = _layers(client, regulator)
    assert list(layers)[:3] == ["parks", "zones", "sites"]  # areas under points
    for layer in layers.values():
        assert layer["type"] == "FeatureCollection"
    park = layers["parks"]["features"][0]
    assert park["properties"]["label"] == "滨海科创园" and park["geometry"]["type"] == "Polygon"
    assert _ids(layers["sites"]) == {demo["plant"], demo["chem_site"]}
    tunnel = next(f for f in layers["zones"]["features"] if f["properties"]["label"] == "海港隧道")
    assert tunnel["properties"]["restricted_now"] is True
    assert tunnel["geometry"]["type"] == "Polygon"  # the segment widened by its half-width
    tanker = next(
        f for f in layers["vehicles"]["features"] if f["properties"]["plate"] == "浙B·D0123"
    )
    lat, lon = IN_TUNNEL
    assert tanker["geometry"]["coordinates"] == [float(lon), float(lat)]
    assert tanker["properties"]["warned"] is True and tanker["properties"]["colour"] == "red"
    warning = next(
        f
        for f in layers["warnings"]["features"]
        if f["geometry"]["coordinates"]
        == [
            float(lon),
            float(lat),
        ]
    )
    assert "浙B·D0123" in warning["properties"]["label"]
    failing = next(
        f
        for f in layers["manifests"]["features"]
        if f["properties"]["id"] == demo["manifest_short"]
    )
    assert failing["properties"]["fails"] is True
    assert failing["properties"]["reasons"] == ["quantity_receipt"]
    assert failing["properties"]["colour"] == "red"
    assert "核对不符" in failing["properties"]["label"]
    assert layers["major_hazards"]["features"], "the chemical plant's major hazard"
    english = client.get(
        f"{API}/layers/manifests", headers=regulator | {"Accept-Language": "en"}
    ).json()
    assert english["label"] == "Waste manifests"
    assert any("fails reconciliation" in f["properties"]["label"] for f in english["features"])


def test_the_demo_programme_on_the_equipment_and_project_layers(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    """The project under joint review with its major-hazard flag, the shared library's items
    and the rescue teams where they stand, and the drill's dispatch at its scene."""
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    layers = _layers(client, regulator)
    assert list(layers).index("projects") < list(layers).index("equipment")
    (project,) = layers["projects"]["features"]
    assert project["properties"]["id"] == demo["admission_project"]
    assert project["properties"]["flag"] == "major_hazard"
    assert project["properties"]["state"] == "under_review"
    assert project["properties"]["colour"] == "red"
    assert project["geometry"]["coordinates"] == [121.8336, 29.9412]
    assert "构成重大危险源" in project["properties"]["label"]
    equipment = {f["properties"]["id"]: f for f in layers["equipment"]["features"]}
    kinds = {f["properties"]["kind"] for f in equipment.values()}
    assert {"equipment:leak_kit", "team:professional", "team:enterprise_brigade"} <= kinds
    depot = next(f for f in equipment.values() if "堵漏工具组" in f["properties"]["label"])
    assert depot["geometry"]["coordinates"] == [121.76, 29.89]
    assert depot["properties"]["available"] is True and depot["properties"]["colour"] == "green"
    assert depot["properties"]["label"].startswith("堵漏器材：")
    pump = next(f for f in equipment.values() if "防爆输转泵" in f["properties"]["label"])
    assert pump["properties"]["available"] is False  # needs repair
    assert pump["properties"]["colour"] == "orange" and "暂不可调派" in pump["properties"]["label"]
    squad = equipment[f"team-{demo['rescue_squad']}"]
    assert squad["properties"]["colour"] == "blue"
    drill = equipment[f"dispatch-{demo['resource_dispatch']}"]
    assert drill["properties"]["purpose"] == "drill"
    assert drill["properties"]["drill_id"] == demo["resource_drill"]
    assert drill["properties"]["closed"] is True  # everything came back
    assert drill["properties"]["lines"] == drill["properties"]["returned"] > 0
    assert drill["properties"]["label"].startswith("演练调派")
    english = client.get(f"{API}/layers", headers=regulator | {"Accept-Language": "en"}).json()
    assert english["projects"]["label"] == "Construction projects"
    assert "major hazard" in english["projects"]["features"][0]["properties"]["label"]
    assert english["equipment"]["label"] == "Emergency equipment and teams"
    assert any(
        f["properties"]["label"].startswith("Drill dispatch")
        for f in english["equipment"]["features"]
    )
    # the enterprises short of a coverage indicator, where they work (the sub-lessor and
    # its tenant in the landlord's plant, the chemical plant at its own site)
    gaps = {f["properties"]["id"]: f["properties"] for f in layers["coverage"]["features"]}
    assert set(gaps) == {demo["sublessor"], demo["lab"], demo["chem"]}
    assert gaps[demo["chem"]]["gaps"] == [
        {"indicator": "vocational_training", "reason": "below_target"}
    ]
    assert (
        gaps[demo["chem"]]["label"]
        == "海港精细化工有限公司：职业技能晋级培训覆盖率：已培训 0/220 人"
    )
    assert {g["indicator"] for g in gaps[demo["sublessor"]]["gaps"]} == {
        "safety_manager",
        "social_service",
        "vocational_training",
    }
    assert gaps[demo["sublessor"]]["colour"] == "red"
    assert english["coverage"]["label"] == "Coverage gaps"
    # a week after it closed the drill's dispatch leaves the map; the library stays
    later = Moment.of(context)
    later = Moment(later.now + service.DISPATCH_SHOWN + timedelta(days=1), later.settings)
    with context.sessions() as session:
        shown = service.layers(session, SYSTEM, later, "zh_CN", [MapLayer.EQUIPMENT])
    ids = {f["properties"]["id"] for f in shown["equipment"]["features"]}
    assert f"dispatch-{demo['resource_dispatch']}" not in ids and depot["properties"]["id"] in ids


def test_each_caller_sees_its_own_part_of_the_map(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    lab = _layers(client, login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]))
    # the lab's rooms are in its landlord's plant: that site, nothing of the others
    assert _ids(lab["sites"]) == {demo["plant"]}
    assert lab["vehicles"]["features"] == lab["manifests"]["features"] == []
    assert lab["major_hazards"]["features"] == [] and lab["parks"]["features"] == []
    assert lab["zones"]["features"], "road rules are public"
    assert lab["projects"]["features"] == lab["equipment"]["features"] == []
    assert lab["coverage"]["features"] == []  # the indicators are the regulators'
    chem = _layers(client, login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]))
    assert _ids(chem["sites"]) == {demo["chem_site"]}
    assert demo["manifest_short"] in _ids(chem["manifests"])
    assert chem["vehicles"]["features"] == []  # the carrier's
    assert _ids(chem["projects"]) == {demo["admission_project"]}
    own = _ids(chem["equipment"])
    assert f"team-{demo['plant_brigade']}" in own and f"team-{demo['rescue_squad']}" not in own
    assert f"dispatch-{demo['resource_dispatch']}" in own  # the drill was the plant's
    assert [f["properties"]["label"] for f in chem["parks"]["features"]] == ["滨海科创园"]
    carrier = _layers(client, login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["carrier"]))
    assert len(carrier["vehicles"]["features"]) == 1  # only the tanker has reported
    assert carrier["projects"]["features"] == carrier["equipment"]["features"] == []


def _count(context: Context, model: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_places_are_checked_and_kept_to_their_owners(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    site = f"{API}/sites/{demo['chem_site']}/location"
    park = f"{API}/parks/{demo['park']}/outline"
    before = (_count(context, SiteLocation), _count(context, ParkOutline))
    audit = _count(context, AuditEntry)
    for body, field in (
        ({"lat": "91", "lon": "121.8"}, "lat"),
        ({"lat": "29.9", "lon": "-180.5"}, "lon"),
        ({"lat": "NaN", "lon": "121.8"}, "lat"),
    ):
        bad = client.put(site, json=body, headers=chem)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, bad.text
    crossed = client.put(park, json={"outline": BOW_TIE}, headers=regulator)
    assert crossed.status_code == 422 and crossed.json()["error"]["field"] == "outline"
    assert "Self-intersection" in crossed.json()["error"]["params"]["why"]
    line = client.put(
        park, json={"outline": "LINESTRING (121.7 29.8, 121.8 29.9)"}, headers=regulator
    )
    assert line.status_code == 422 and line.json()["error"]["code"] == "map.outline_not_area"
    # another tenant neither sees nor changes the chemical plant's site; an enterprise
    # does not draw a park
    assert client.put(site, json={"lat": "29.9", "lon": "121.8"}, headers=lab).status_code == 404
    assert (
        client.put(
            park, json={"outline": "POLYGON ((0 0, 1 0, 1 1, 0 0))"}, headers=chem
        ).status_code
        == 403
    )
    assert (_count(context, SiteLocation), _count(context, ParkOutline)) == before
    assert _count(context, AuditEntry) == audit
    moved = client.put(site, json={"lat": "29.8760", "lon": "121.8010"}, headers=chem)
    assert moved.status_code == 200, moved.text
    assert _count(context, AuditEntry) == audit + 1
    sites = client.get(f"{API}/layers/sites", headers=chem).json()["features"]
    assert sites[0]["geometry"]["coordinates"] == [121.801, 29.876]
    assert client.get(f"{API}/layers/nowhere", headers=chem).status_code == 422


def test_the_map_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    shown = runner.invoke(app, ["map", "layers", "--layer", "vehicles", "--json"])
    assert shown.exit_code == 0, shown.output
    (vehicles,) = json.loads(shown.stdout).values()
    assert [f["properties"]["plate"] for f in vehicles["features"]] == ["浙B·D0123"]
    listed = runner.invoke(app, ["map", "layers", "--layer", "projects", "--layer", "equipment"])
    assert listed.exit_code == 0, listed.output
    assert f"projects-{demo['admission_project']}:" in listed.output
    assert f"equipment-team-{demo['rescue_squad']}:" in listed.output
    before = _count(context, SiteLocation)
    wrong = runner.invoke(
        app, ["map", "locate-site", str(demo["chem_site"]), "--lat", "95", "--lon", "121"]
    )
    assert wrong.exit_code == 2 and "[lat]" in wrong.output
    crossed = runner.invoke(app, ["map", "outline-park", str(demo["park"]), "--wkt", BOW_TIE])
    assert crossed.exit_code == 2 and "[outline]" in crossed.output
    assert _count(context, SiteLocation) == before
