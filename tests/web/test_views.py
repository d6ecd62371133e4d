"""What the console shows, checked without a browser: room cards, chart bands, replay files.

The room-card rules are safety rules: a point whose quality is not good has no value and
colours its room grey (unknown is never safe); an alarm colours the room by its state; the
cards follow the tenancy rules of the services.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hazwatch import demo as full_demo
from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.models import Room, Site
from hazwatch.web import alarms as web_alarms
from hazwatch.web import charts
from hazwatch.web.pages.replay import parse
from hazwatch.web.rooms import RoomView, room_views


@pytest.fixture
def district(context: Context) -> tuple[DemoIds, int]:
    """The demo with a fixed O2 detector in the lab's dry room 2."""
    with context.unit_of_work() as session:
        ids = full_demo.load(session)
        device, _secret = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=ids["plant"], organisation_id=ids["lab"], code="GW-LAB"),
        )
        point = monitoring.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=ids["plant"],
                organisation_id=ids["lab"],
                room_id=ids["dry_room_2"],
                device_id=device.id,
                code="O2-DRY2",
                kind=PointKind.O2,
                expected_interval_s=30,
            ),
        )
        return ids, point.id


def _lab(ids: DemoIds) -> Principal:
    return Principal(
        user_id=None, username="lab", role=Role.SAFETY_OFFICER, organisation_id=ids["lab"]
    )


def _reading(engine: MonitoringEngine, clock: ManualClock, value: float) -> None:
    engine.submit([ReadingIn("O2-DRY2", clock.now(), value, "%vol")])
    engine.flush()


def test_room_goes_from_unknown_to_normal_to_alarm_and_back_to_unknown_when_stale(
    context: Context, clock: ManualClock, district: tuple[DemoIds, int]
) -> None:
    ids, _point = district
    lab = _lab(ids)

    def dry_room(key: str = "dry_room_2") -> RoomView:
        with context.unit_of_work(lab) as session:
            (view,) = room_views(session, lab, room_id=ids[key])
            return view

    view = dry_room()
    assert view.status == "unknown" and view.colour == "grey"
    engine = MonitoringEngine(context)
    try:
        _reading(engine, clock, 20.9)
        view = dry_room()
        assert view.status == "normal"
        fixed = next(p for p in view.points if p.code == "O2-DRY2")
        assert fixed.known and fixed.value == pytest.approx(20.9)
        modelled_room = dry_room("dry_room_1")  # only a modelled point, no model input yet
        (modelled,) = modelled_room.points
        assert modelled.modelled and modelled.value is None
        assert modelled_room.status == "unknown"

        clock.advance(timedelta(seconds=5))
        _reading(engine, clock, 17.5)
        view = dry_room()
        assert view.status == "alarm:active_unack" and view.colour == "red"
        assert any(not d.entry_allowed for d in view.doors)

        clock.advance(timedelta(minutes=10))
        engine.tick(clock.now())
        engine.flush()
        view = dry_room()
        fixed = next(p for p in view.points if p.code == "O2-DRY2")
        assert fixed.quality == "stale" and fixed.value is None and not fixed.known
    finally:
        engine.close()


def test_room_cards_follow_tenancy(context: Context, district: tuple[DemoIds, int]) -> None:
    ids, _point = district
    chem = Principal(
        user_id=None, username="chem", role=Role.ENTERPRISE_ADMIN, organisation_id=ids["chem"]
    )
    with context.unit_of_work(chem) as session:
        rooms = {view.room_id for view in room_views(session, chem)}
        assert ids["ammonia_room"] in rooms
        assert ids["dry_room_1"] not in rooms
        assert room_views(session, chem, room_id=ids["dry_room_1"]) == []


def test_room_cards_carry_the_current_odh_class(
    context: Context, district: tuple[DemoIds, int]
) -> None:
    """Dry room 1 (the 2·7 room, nitrogen, no exhaust) is class 3; a room whose source has
    no current assessment is flagged; a room without inert gas shows neither."""
    ids, _point = district
    with context.unit_of_work(_lab(ids)) as session:
        views = {view.room_id: view for view in room_views(session, _lab(ids))}
    assert views[ids["dry_room_1"]].odh_class == 3 and not views[ids["dry_room_1"]].odh_missing
    assert views[ids["dry_room_2"]].odh_class is None and not views[ids["dry_room_2"]].odh_missing
    with context.unit_of_work() as session:
        stored = session.get(Room, ids["dry_room_1"])
        assert stored is not None
        stored.free_volume_m3 = None  # no volume: not assessable, the latest goes stale
        stored.length_m = None
    with context.unit_of_work(_lab(ids)) as session:
        view = room_views(session, _lab(ids), room_id=ids["dry_room_1"])[0]
    assert view.odh_class is None and view.odh_missing


def test_alarm_bands_shade_the_alarm_ranges_with_inclusive_setpoints() -> None:
    bands = charts.alarm_bands(Decimal("18"), Decimal("19.5"), Decimal("23.5"), None)
    assert [(b[0]["yAxis"], b[1]["yAxis"]) for b in bands] == [
        ("min", 18.0),
        (18.0, 19.5),
        (23.5, "max"),
    ]
    assert charts.alarm_bands(None, None, None, None) == []


def test_a_live_trend_ends_at_the_reading_just_announced() -> None:
    t0 = datetime(2025, 2, 7, 4, 30, tzinfo=UTC)
    stored = [{"t": t0, "value": 20.9}]
    event = {"point_id": 1, "at": (t0 + timedelta(seconds=5)).isoformat(), "value": 20.85}
    assert charts.with_newest(stored, event) == [
        *stored,
        {"t": t0 + timedelta(seconds=5), "value": 20.85},
    ]
    assert charts.with_newest(stored, event | {"at": t0.isoformat()}) == stored  # already in
    assert charts.with_newest(stored, event | {"value": None}) == stored  # unknown: no point
    assert charts.with_newest([], event)[0]["value"] == 20.85


def test_replay_view_opens_only_replay_results() -> None:
    assert parse(b'{"format": "hazwatch.replay/1", "times": []}') == {
        "format": "hazwatch.replay/1",
        "times": [],
    }
    assert parse(b'{"format": "something/1"}') is None
    assert parse(b"not json") is None
    assert parse(b"\xff\xfe") is None
    assert parse(b"[1, 2]") is None


def test_replay_chart_reads_in_the_scenarios_wall_clock_whatever_the_browsers_zone() -> None:
    result = {
        "times": ["2025-02-07T04:30:00+08:00"],
        "series": [{"name": "O2", "kind": "simulated", "unit": "%vol", "values": [20.9]}],
        "alarms": [
            {
                "at": "2025-02-07T04:37:00+08:00",
                "state": "active_unack",
                "previous_state": "normal",
                "point": "O2-DRY1",
            }
        ],
    }
    options = charts.replay(result, "alarm")
    four_thirty = int(datetime(2025, 2, 7, 4, 30, tzinfo=UTC).timestamp() * 1000)
    assert options["useUTC"] is True
    assert options["series"][0]["data"] == [[four_thirty, 20.9]]
    marked = options["series"][0]["markLine"]["data"][0]["xAxis"]
    assert marked == four_thirty + 7 * 60 * 1000


def test_alarm_statistics_name_the_site(
    context: Context, clock: ManualClock, district: tuple[DemoIds, int]
) -> None:
    """Issue 13 item 7: by the site's name for whoever sees the site; the lab, which sees its
    rooms on the lessor's site but not the site, gets no name (the page says "lessor's site")
    and never the number."""
    ids, _point = district
    engine = MonitoringEngine(context)
    try:
        _reading(engine, clock, 20.9)
        clock.advance(timedelta(seconds=5))
        _reading(engine, clock, 17.5)
    finally:
        engine.close()
    admin = Principal(user_id=None, username="admin", role=Role.PLATFORM_ADMIN)
    with context.unit_of_work(admin) as session:
        site_name = session.get(Site, ids["plant"]).name  # type: ignore[union-attr]
        (figures,) = web_alarms.statistics(session, admin, clock.now())
    assert figures["site_name"] == site_name and figures["activations"] >= 1
    lab = _lab(ids)
    with context.unit_of_work(lab) as session:
        (figures,) = web_alarms.statistics(session, lab, clock.now())
    assert figures["site_name"] is None
