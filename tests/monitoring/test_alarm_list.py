"""The alarm list's rules (issue 13 item 2) without a browser: folding, filters, order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hazwatch.monitoring.alarm_list import AlarmRow, Criteria, fold, select_rows

T0 = datetime(2026, 2, 7, 4, 30, tzinfo=UTC)


def row(
    alarm_id: int, condition: str, priority: str, state: str = "active_unack", **kw: object
) -> AlarmRow:
    values: dict[str, object] = {
        "id": alarm_id,
        "alarm_ids": (alarm_id,),
        "site_id": 1,
        "site": "实验楼",
        "room_id": 10,
        "room": "干燥房1",
        "point_id": 100,
        "point": "干燥房1氧含量",
        "source": "O2-DRY1",
        "unit": "%vol",
        "priority": priority,
        "state": state,
        "condition": condition,
        "conditions": (condition,),
        "message_key": "",
        "params": {},
        "raised_at": T0,
        "value_at_raise": 19.0,
        "value_now": 0.7,
    }
    return AlarmRow(**(values | kw))  # type: ignore[arg-type]


def test_a_low_and_a_low_low_on_one_point_are_one_alarm_at_its_worst_level() -> None:
    low = row(1, "low", "high", state="active_ack", raised_at=T0, value_at_raise=19.2)
    low_low = row(2, "low_low", "urgent", state="active_ack", raised_at=T0 + timedelta(seconds=40))
    other = row(3, "low", "high", point_id=101, source="O2-DRY2")
    folded = fold([low, low_low, other])
    assert len(folded) == 2
    one = next(r for r in folded if r.point_id == 100)
    assert (one.priority, one.condition, one.conditions) == (
        "urgent",
        "low_low",
        ("low_low", "low"),
    )
    assert one.alarm_ids == (2, 1)
    assert one.raised_at == T0 and one.value_at_raise == 19.2  # the episode began at the low
    # still asks for attention while any member is unacknowledged
    mixed = fold([row(1, "low", "high"), row(2, "low_low", "urgent", state="active_ack")])
    assert mixed[0].state == "active_unack" and mixed[0].unacknowledged_ids == (2, 1)


def test_filters_and_the_default_order() -> None:
    rows = [
        row(1, "high", "medium", point_id=1, raised_at=T0),
        row(
            2,
            "low_low",
            "urgent",
            point_id=2,
            raised_at=T0 + timedelta(minutes=5),
            room="干燥房2",
            room_id=11,
        ),
        row(
            3, "stale", "high", point_id=3, state="active_ack", value_now=None, value_at_raise=None
        ),
        row(
            4, "low", "high", point_id=4, site_id=2, site="仓库", raised_at=T0 - timedelta(hours=3)
        ),
    ]
    assert [r.id for r in select_rows(rows, Criteria())] == [2, 4, 1, 3]
    assert [r.id for r in select_rows(rows, Criteria(site_id=2))] == [4]
    assert [r.id for r in select_rows(rows, Criteria(room_id=11))] == [2]
    assert [r.id for r in select_rows(rows, Criteria(priorities=frozenset({"high"})))] == [4, 3]
    assert [r.id for r in select_rows(rows, Criteria(states=frozenset({"active_ack"})))] == [3]
    assert [r.id for r in select_rows(rows, Criteria(conditions=frozenset({"stale"})))] == [3]
    assert [r.id for r in select_rows(rows, Criteria(since=T0 - timedelta(hours=1)))] == [2, 1, 3]
    assert [r.id for r in select_rows(rows, Criteria(text="仓库"))] == [4]
    assert [r.id for r in select_rows(rows, Criteria(text="干燥房2"))] == [2]
    words = select_rows(rows, Criteria(text="below", words=lambda r: "below" if r.id == 1 else ""))
    assert [r.id for r in words] == [1]
