"""Danger first (issue 13 item 1): the order, colours, site summaries and advice, without a
browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hazwatch.monitoring.danger import (
    ActionFact,
    AlarmFact,
    PointFact,
    RoomFacts,
    assess,
    order,
    summaries,
)

T0 = datetime(2026, 2, 7, 4, 30, tzinfo=UTC)
O2_OK = PointFact("o2", 20.9, True)


def room(room_id: int, name: str, **kwargs: object) -> RoomFacts:
    defaults: dict[str, object] = {"site_id": 1, "site": "实验楼", "points": (O2_OK,)}
    return RoomFacts(room_id, name, **(defaults | kwargs))  # type: ignore[arg-type]


def test_an_urgent_or_unknown_room_comes_before_a_medium_alarm_then_priority_and_age() -> None:
    medium = room(1, "A", alarms=(AlarmFact("medium", "active_unack", "high", T0),))
    unknown = room(2, "B", points=(PointFact("o2", None, False),))
    urgent = room(
        3,
        "C",
        points=(PointFact("o2", 16.0, True),),
        alarms=(AlarmFact("urgent", "active_ack", "low_low", T0 + timedelta(minutes=5)),),
    )
    high_old = room(4, "D", alarms=(AlarmFact("high", "active_unack", "low", T0),))
    high_new = room(
        5, "E", alarms=(AlarmFact("high", "active_unack", "low", T0 + timedelta(minutes=1)),)
    )
    normal = room(6, "F")
    bare = room(7, "G", points=())
    ordered = [
        d.facts.room_id for d in order([normal, medium, bare, high_new, unknown, high_old, urgent])
    ]
    assert ordered == [3, 2, 4, 5, 1, 7, 6]


def test_acknowledgement_does_not_soften_the_colour_value_does() -> None:
    nitrogen = assess(
        room(
            1,
            "干燥房1",
            points=(PointFact("o2", 0.7, True),),
            alarms=(AlarmFact("urgent", "active_ack", "low_low", T0),),
        )
    )
    ammonia = assess(
        room(
            2,
            "氨压缩机房",
            points=(PointFact("gas_ppm", 40.0, True),),
            alarms=(AlarmFact("medium", "active_unack", "high", T0),),
        )
    )
    assert nitrogen.colour == "red" and not nitrogen.unacknowledged
    assert ammonia.colour == "yellow" and ammonia.unacknowledged
    assert order([ammonia.facts, nitrogen.facts])[0].facts.room_id == 1
    # A reading below 18 %vol is urgent on its own, even with its alarm shelved.
    shelved = assess(
        room(3, "X", points=(PointFact("o2", 17.9, True),), alarms=()),
    )
    assert shelved.severity == "urgent"
    assert assess(room(4, "Y", points=(PointFact("o2", 18.0, True),))).severity == "high"
    assert assess(room(5, "Z", points=(PointFact("o2", 19.5, True),))).severity == "normal"


def test_advice_says_do_not_enter_and_the_confirmed_exhaust_with_its_time() -> None:
    danger = assess(
        room(
            1,
            "干燥房1",
            points=(PointFact("o2", 0.7, True),),
            alarms=(AlarmFact("urgent", "active_unack", "low_low", T0),),
            denied_doors=("D1",),
            people_inside=1,
            actions=(
                ActionFact("start_fan", T0 + timedelta(minutes=6), "sent"),
                ActionFact("start_fan", T0 + timedelta(minutes=6, seconds=1), "confirmed"),
            ),
        )
    )
    keys = [a.key for a in danger.advice]
    assert keys == [
        "console.advice.do_not_enter",
        "console.advice.evacuate",
        "console.advice.action.confirmed",
    ]
    assert danger.advice[1].params == {"n": 1}
    assert danger.advice[2].params["action"] == "start_fan"
    assert assess(room(2, "quiet")).advice == ()


def test_site_summary_counts_rooms_unknown_denied_doors_and_people_when_known() -> None:
    rooms = order(
        [
            room(
                1,
                "A",
                alarms=(AlarmFact("urgent", "active_unack", "low_low", T0),),
                denied_doors=("D1",),
                people_inside=2,
            ),
            room(
                2,
                "B",
                points=(PointFact("o2", None, False),),
                denied_doors=("D1",),
                people_inside=0,
            ),
            room(3, "C"),
            room(4, "D", site_id=2, site="仓库"),
        ]
    )
    lab, store = summaries(rooms)
    assert (lab.site, lab.rooms, lab.in_alarm, lab.unknown, lab.doors_denied) == (
        "实验楼",
        3,
        1,
        1,
        1,
    )
    assert lab.people_inside == 2 and lab.colour == "red"
    assert store.people_inside is None and store.severity == "normal"
