"""Credit and points, graded supervision and safety codes (issue 15 items 5, 2, 4): the
demo's sub-let lab is red with its reasons; rules are refused before they take effect;
the serious-dishonesty list's 12-month and 3-year rules; a reproducible yearly draw;
jurisdiction scoping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.registry import service as registry
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import codes, grading
from hazwatch.supervision.models import RuleSet
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
API = "/api/supervision"


def district(login_as: Login, demo: DemoIds) -> dict[str, str]:
    return login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"])


def code_of(codes: list[dict[str, Any]], organisation_id: int) -> dict[str, Any]:
    return next(
        c for c in codes if c["subject"] == "enterprise" and c["organisation_id"] == organisation_id
    )


def test_the_sub_let_lab_is_red_with_its_reasons(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    regulator = district(login_as, demo)
    lab = client.get(f"{API}/codes/enterprise/{demo['lab']}", headers=regulator)
    assert lab.status_code == 200, lab.text
    shown = lab.json()
    assert shown["level"] == "red" and shown["label"] == "红码"
    texts = [r["text"] for r in shown["reasons"]]
    assert "本年度记分 12 ≥ 12" in texts
    assert all(r["level"] == "red" and r["source"] for r in shown["reasons"])
    assert shown["history"] and shown["history"][0]["colour"] == "red"
    assert shown["qr_url"].endswith(f"/supervision/code/enterprise/{demo['lab']}")
    qr = client.get(f"{API}/codes/enterprise/{demo['lab']}/qr.svg", headers=regulator)
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg")
    # the grade: D, for the same points, with the 重大 hidden danger among C's reasons unseen
    grades = {
        g["organisation_id"]: g for g in client.get(f"{API}/grades", headers=regulator).json()
    }
    assert grades[demo["lab"]]["level"] == "D" and grades[demo["lab"]]["inspections_a_year"] == 12
    assert grades[demo["chem"]]["level"] == "B" and grades[demo["chem"]]["inspections_a_year"] == 4
    assert any(r["text"] == "评估诊断分 82.5 < 90" for r in grades[demo["chem"]]["reasons"])
    assert (
        grades[demo["testing_lab"]]["level"] == "A" and not grades[demo["testing_lab"]]["reasons"]
    )
    parks = client.get(f"{API}/park-grades", headers=regulator).json()
    assert [(p["park_id"], p["level"]) for p in parks] == [(demo["park"], "C")]
    # the sub-lessor's points call it to an interview; its principal has his own
    totals = client.get(f"{API}/points/totals", headers=regulator).json()
    sub = next(t for t in totals if t["organisation_id"] == demo["sublessor"] and not t["person"])
    assert sub["points"] == 9 and sub["interview_due"] and not sub["reexamination_due"]
    english = client.get(
        f"{API}/codes/enterprise/{demo['lab']}", headers={**regulator, "Accept-Language": "en"}
    ).json()
    assert "Points this year 12 ≥ 12" in [r["text"] for r in english["reasons"]]


def test_a_street_sees_its_street_and_an_enterprise_its_own(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    with context.unit_of_work() as session:
        other_street = registry.create_object(
            session,
            SYSTEM,
            RESOURCES["jurisdictions"],
            {"name": "海滨街道", "kind": "street", "parent_id": demo["district"]},
        ).id
        far = registry.create_object(
            session,
            SYSTEM,
            RESOURCES["organisations"],
            {
                "kind": "enterprise",
                "name": "海滨化工",
                "credit_code": credit_code("91330299MA1A00099"),
                "jurisdiction_id": other_street,
            },
        ).id
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    regulator = district(login_as, demo)
    assert client.get(f"{API}/codes/enterprise/{far}", headers=street).status_code == 404
    assert client.get(f"{API}/codes/enterprise/{far}", headers=regulator).status_code == 200
    seen = {c["organisation_id"] for c in client.get(f"{API}/codes", headers=street).json()}
    assert demo["lab"] in seen and far not in seen
    refused = client.post(
        f"{API}/points",
        json={
            "organisation_id": far,
            "event": "missing_commitment",
            "occurred_on": "2025-02-06",
            "source": "x",
        },
        headers=street,
    )
    assert refused.status_code == 404
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(f"{API}/codes/enterprise/{demo['lab']}", headers=chem).status_code == 404
    assert {c["organisation_id"] for c in client.get(f"{API}/codes", headers=chem).json()} == {
        demo["chem"]
    }
    assert client.get(f"{API}/park-grades", headers=chem).json() == []


def test_rules_that_do_not_parse_or_name_unknown_inputs_are_refused(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    regulator = district(login_as, demo)
    in_force = client.get(
        f"{API}/rules/in-force", params={"kind": "enterprise_code"}, headers=regulator
    ).json()
    assert in_force["version"] == 0 and in_force["id"] is None
    body = in_force["body"]
    bad_input = {
        **body,
        "levels": [{"level": "red", "any": [{"input": "vibes", "op": "ge", "value": 1}]}],
    }
    bad_op = {
        **body,
        "levels": [{"level": "red", "any": [{"input": "points", "op": "~", "value": 1}]}],
    }
    bad_value = {
        **body,
        "levels": [
            {"level": "red", "any": [{"input": "serious_dishonesty", "op": "ge", "value": 1}]}
        ],
    }
    bad_level = {**body, "levels": [{"level": "purple", "any": body["levels"][0]["any"]}]}
    for rules, code, field in (
        (bad_input, "supervision.rules.unknown_input", "body.levels.0.any.0.input"),
        (bad_op, "supervision.rules.does_not_parse", "body.levels.0.any.0.op"),
        (bad_value, "supervision.rules.value_type", "body.levels.0.any.0.value"),
        (bad_level, "supervision.rules.unknown_level", "body.levels.0.level"),
        ({"levels": "x"}, "supervision.rules.does_not_parse", "body.levels"),
    ):
        for path in ("/rules", "/rules/preview"):
            answer = client.post(
                f"{API}{path}",
                json={"kind": "enterprise_code", "jurisdiction_id": demo["district"], "body": rules}
                if path == "/rules"
                else {"kind": "enterprise_code", "body": rules},
                headers=regulator,
            )
            assert answer.status_code == 422, answer.text
            assert error_code(answer) == code and answer.json()["error"]["field"] == field
    with context.sessions() as session:
        assert session.scalar(select(func.count(RuleSet.id))) == 0
    # previewing a stricter points threshold turns the sub-lessor (9 points) red, storing nothing
    stricter = {**body, "levels": [dict(level) for level in body["levels"]]}
    stricter["levels"][0] = {
        "level": "red",
        "any": [{"input": "points", "op": "ge", "value": 9, "source": "试行"}],
    }
    preview = client.post(
        f"{API}/rules/preview",
        json={"kind": "enterprise_code", "body": stricter},
        headers=regulator,
    )
    assert preview.status_code == 200, preview.text
    sub = next(p for p in preview.json() if p["organisation_id"] == demo["sublessor"])
    assert (sub["current"], sub["previewed"], sub["changed"]) == ("yellow", "red", True)
    assert (
        code_of(client.get(f"{API}/codes", headers=regulator).json(), demo["sublessor"])["level"]
        == "yellow"
    )
    # stored as version 1 it takes effect; a street regulator may not version the district's
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    payload = {"kind": "enterprise_code", "jurisdiction_id": demo["district"], "body": stricter}
    assert client.post(f"{API}/rules", json=payload, headers=street).status_code == 403
    stored = client.post(f"{API}/rules", json={**payload, "basis": "区试行"}, headers=regulator)
    assert stored.status_code == 201 and stored.json()["version"] == 1
    assert (
        code_of(client.get(f"{API}/codes", headers=regulator).json(), demo["sublessor"])["level"]
        == "red"
    )


def test_the_list_runs_3_years_with_early_removal_after_12_months(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    regulator = district(login_as, demo)
    fresh = client.post(
        f"{API}/dishonesty",
        json={
            "organisation_id": demo["sublessor"],
            "reason": "无证经营",
            "source": "海应急罚〔2025〕9号",
            "listed_on": "2025-02-01",
        },
        headers=regulator,
    ).json()
    assert fresh["ends_on"] == "2028-02-01" and fresh["earliest_removal"] == "2026-02-01"
    path = f"{API}/dishonesty/{fresh['id']}"
    early = client.post(f"{path}/removal-request", json={"request": "已整改"}, headers=regulator)
    assert early.status_code == 409 and error_code(early) == "supervision.listing.too_early"
    # the demo's retailer has been listed 400 days: it may ask
    old = f"{API}/dishonesty/{demo['listing']}"
    asked = client.post(
        f"{old}/removal-request", json={"request": "已取得许可证"}, headers=regulator
    )
    assert asked.status_code == 200 and asked.json()["state"] == "removal_requested"
    granted = client.post(f"{old}/decision", json={"grant": True}, headers=regulator).json()
    assert granted["state"] == "removed" and not granted["active"]
    back = client.post(f"{old}/reinstate", json={"reason": "许可证系伪造"}, headers=regulator)
    assert back.json()["state"] == "listed" and back.json()["active"]
    listed = {r["id"] for r in client.get(f"{API}/dishonesty", headers=regulator).json()}
    assert {fresh["id"], demo["listing"]} <= listed
    # the listed sub-lessor's code turns red on it
    codes = client.get(f"{API}/codes", headers=regulator).json()
    assert "列入安全生产严重失信主体名单" in [
        r["text"] for r in code_of(codes, demo["sublessor"])["reasons"]
    ]
    clock.advance(timedelta(days=3 * 366))
    regulator = district(login_as, demo)  # tokens last a day
    assert fresh["id"] not in {
        r["id"] for r in client.get(f"{API}/dishonesty", headers=regulator).json()
    }


def test_points_are_cancelled_only_on_evidence_and_appealed(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    regulator = district(login_as, demo)
    made = client.post(
        f"{API}/points",
        json={
            "organisation_id": demo["chem"],
            "event": "missing_commitment",
            "occurred_on": "2025-02-06",
            "source": "承诺未发布",
            "person": "赵强",
        },
        headers=regulator,
    )
    assert made.status_code == 201 and made.json()["points"] == 2
    unknown = client.post(
        f"{API}/points",
        json={
            "organisation_id": demo["chem"],
            "event": "dancing",
            "occurred_on": "2025-02-06",
            "source": "x",
        },
        headers=regulator,
    )
    assert unknown.status_code == 422 and error_code(unknown) == "supervision.points.unknown_event"
    stranger = client.post(
        f"{API}/points",
        json={
            "organisation_id": demo["chem"],
            "event": "missing_commitment",
            "occurred_on": "2025-02-06",
            "source": "x",
            "person": "路人",
        },
        headers=regulator,
    )
    assert stranger.status_code == 422 and stranger.json()["error"]["field"] == "person"
    path = f"{API}/points/{made.json()['id']}"
    no_evidence = client.post(
        f"{path}/cancel",
        json={"via": "rectification", "hazard_finding_id": 10**6},
        headers=regulator,
    )
    assert no_evidence.status_code == 404
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.post(f"{path}/appeal", json={"reason": "x"}, headers=lab).status_code == 404
    appealed = client.post(f"{path}/appeal", json={"reason": "当日已发布，系统故障"}, headers=chem)
    assert appealed.json()["state"] == "appealed"
    assert (
        client.post(f"{path}/appeal-decision", json={"uphold": True}, headers=chem).status_code
        == 403
    )
    voided = client.post(f"{path}/appeal-decision", json={"uphold": True}, headers=regulator)
    assert voided.json()["state"] == "voided"


def test_a_code_appeal_upheld_sets_the_colour_it_names(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    regulator = district(login_as, demo)
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    appeal = client.post(
        f"{API}/code-appeals",
        json={"subject": "enterprise", "ident": demo["lab"], "reason": "已完成整改并培训"},
        headers=lab,
    )
    assert appeal.status_code == 201, appeal.text
    again = client.post(
        f"{API}/code-appeals",
        json={"subject": "enterprise", "ident": demo["lab"], "reason": "again"},
        headers=lab,
    )
    assert again.status_code == 409
    decided = client.post(
        f"{API}/code-appeals/{appeal.json()['id']}/decision",
        json={"uphold": True, "note": "整改经现场核实", "colour": "yellow"},
        headers=regulator,
    )
    assert decided.json()["state"] == "upheld"
    shown = client.get(f"{API}/codes/enterprise/{demo['lab']}", headers=regulator).json()
    assert shown["level"] == "yellow" and shown["reasons"][-1]["text"].startswith("申诉")


def test_the_yearly_draw_is_recorded_and_reproducible(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    regulator = district(login_as, demo)
    body = {
        "jurisdiction_id": demo["district"],
        "year": 2025,
        "inspectors": ["张一", "王二", "李三", "赵四"],
        "seed": 20250101,
    }
    made = client.post(f"{API}/plans", json=body, headers=regulator)
    assert made.status_code == 201, made.text
    plan = made.json()
    assert plan["seed"] == 20250101 and plan["reproducible"] and plan["done"] == 0
    per_org: dict[int, int] = {}
    for item in plan["inspections"]:
        per_org[item["organisation_id"]] = per_org.get(item["organisation_id"], 0) + 1
        assert len(set(item["inspectors"])) == 2
    # 双随机: every D enterprise (100 %) with its 12 inspections; of the others a share
    assert per_org[demo["lab"]] == 12
    # The district's shares (A 20 %, B 40 %, C 70 %, D 100 %) are rounded up, and the demo
    # grades one enterprise each A, B and C: each of those is drawn too (partial shares are
    # checked on a larger field with grading.draw below).
    assert plan["drawn"] == len(per_org) == plan["enterprises"] == 10
    assert all(n in (2, 4, 8, 12) for n in per_org.values())
    assert client.post(f"{API}/plans", json=body, headers=regulator).status_code == 409
    first = plan["inspections"][0]
    done = client.post(
        f"{API}/plans/{plan['id']}/inspections/{first['id']}/done",
        json={"note": "已检查"},
        headers=regulator,
    ).json()
    assert done["done"] == 1
    enterprises = [(1, "A", 2), (2, "D", 12), (3, "B", 4)]
    pool = ["甲", "乙", "丙"]
    assert grading.draw(enterprises, pool, 7) == grading.draw(enterprises, pool, 7)
    assert grading.draw(enterprises, pool, 7) != grading.draw(enterprises, pool, 8)
    shares = {"A": 0, "B": 50, "D": 100}
    drawn = {o for o, *_rest in grading.draw(enterprises * 1, pool, 7, shares)}
    assert drawn == {2, 3}  # no A, the one B (50 % rounded up), every D
    few = client.post(
        f"{API}/plans",
        json={**body, "year": 2026, "inspectors": ["张一", " 张一 "]},
        headers=regulator,
    )
    assert few.status_code == 422 and few.json()["error"]["field"] == "inspectors"


def test_the_engine_tick_records_a_changed_code_once(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    regulator = district(login_as, demo)
    path = f"{API}/codes/enterprise/{demo['chem']}"
    before = client.get(path, headers=regulator).json()
    assert before["level"] == "green" and len(before["history"]) == 1
    listed = client.post(
        f"{API}/dishonesty",
        json={
            "organisation_id": demo["chem"],
            "reason": "瞒报事故",
            "source": "海应急罚〔2025〕11号",
            "listed_on": "2025-02-06",
        },
        headers=regulator,
    )
    assert listed.status_code == 201
    watch = codes.CodeWatch(context)
    watch.tick(clock.now())
    watch.tick(clock.now())  # not yet due again
    clock.advance(timedelta(minutes=16))
    watch.tick(clock.now())  # due, but nothing changed
    after = client.get(path, headers=regulator).json()
    assert [h["colour"] for h in after["history"]] == ["red", "green"]
    assert after["history"][0]["reasons"][0]["text"] == "列入安全生产严重失信主体名单"
