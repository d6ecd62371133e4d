"""``hazwatch permit …``: special-work permits (confined-space entry, hot work): the list
with whether each clears work now, approval by someone other than the applicant, the
guardian on site, gas tests and closing, each acting as a named user (``--as``)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import translate
from hazwatch.prevention import service
from hazwatch.prevention.models import WorkPermit

permit_app = typer.Typer(help="Special-work permits: confined-space entry and hot work.")


def register(app: typer.Typer) -> None:
    app.add_typer(permit_app, name="permit")


def _shown(session: Any, permit: WorkPermit, now: Any, max_age: timedelta) -> dict[str, Any]:
    valid = not permit.closed and permit.valid_from <= now < permit.valid_until
    clearance = service.permit_clearance(session, permit, now, max_age) if valid else None
    test = service.latest_gas_test(session, permit.id)
    combustible = None if test is None else test.combustible_percent
    gas_lel = None if test is None else test.gas_lel_percent
    return {
        "id": permit.id,
        "number": permit.number,
        "kind": permit.kind,
        "room_id": permit.room_id,
        "applicant": permit.applicant,
        "approved_by": permit.approved_by,
        "guardian": permit.guardian,
        "guardian_present": permit.guardian_present,
        "isolations": list(permit.isolations or []),
        "valid_until": permit.valid_until.isoformat(),
        "closed": permit.closed,
        "combustible_percent": None if combustible is None else str(combustible),
        "combustible_limit_percent": None
        if gas_lel is None
        else str(service.combustible_limit(gas_lel)),
        "clears": bool(clearance and clearance.cleared),
        "reason": clearance.reason if clearance else "access.reason.no_permit",
    }


def _print(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    lang = language()
    for row in rows:
        state = translate("permits.cli.clears", lang)
        if not row["clears"]:
            state = translate(
                str(row["reason"]), lang, room="", permit=row["number"], minutes="-", limit="-"
            )
        typer.echo(f"#{row['id']} {row['number']} {row['kind']} · {row['applicant']} · {state}")


@permit_app.command("list")
@reports_domain_errors
def list_(
    open_only: bool = typer.Option(False, "--open", help="Only permits not closed."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Permits, newest first, with whether each clears work now."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        max_age = timedelta(minutes=context.settings.gas_test_max_age_minutes)
        rows = [
            _shown(session, p, now, max_age)
            for p in service.list_permits(session, who, open_only=open_only)
        ]
    _print(rows, as_json)


def _act(username: str | None, as_json: bool, action: Any) -> None:
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        now = context.clock.now()
        permit = action(session, who, now)
        max_age = timedelta(minutes=context.settings.gas_test_max_age_minutes)
        row = _shown(session, permit, now, max_age)
    _print([row], as_json)


@permit_app.command("open")
@reports_domain_errors
def open_(
    room: int = typer.Option(..., "--room", help="Room id."),
    number: str = typer.Option(..., "--number", help="The enterprise's permit number."),
    kind: str = typer.Option("confined_space", "--kind", help="confined_space or hot_work."),
    hours: float = typer.Option(4.0, "--hours", help="Valid from now for this long."),
    applicant: str = typer.Option("", "--applicant"),
    isolation: list[str] = typer.Option([], "--isolation", help="An isolation in place."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Apply for a permit, valid from now."""
    if not 0 < hours <= 24 * 7:
        raise InvalidInput("prevention.bad_validity", field="hours")

    def apply(s: Any, who: Any, now: Any) -> WorkPermit:
        return service.open_permit(
            s,
            who,
            room_id=room,
            number=number,
            kind=kind,
            applicant=applicant,
            isolations=isolation,
            valid_from=now,
            valid_until=now + timedelta(hours=hours),
            now=now,
        )

    _act(username, as_json, apply)


@permit_app.command("approve")
@reports_domain_errors
def approve(
    permit_id: int = typer.Argument(..., help="Permit id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Approve a permit (someone other than its applicant)."""
    _act(username, as_json, lambda s, who, now: service.approve_permit(s, who, permit_id, now))


@permit_app.command("guardian")
@reports_domain_errors
def guardian(
    permit_id: int = typer.Argument(..., help="Permit id."),
    name: str = typer.Argument(..., help="The guardian (fire watcher) on site."),
    absent: bool = typer.Option(False, "--absent", help="The guardian left: work stops."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Confirm the permit's guardian on site (or gone)."""
    _act(
        username,
        as_json,
        lambda s, who, _now: service.confirm_guardian(
            s, who, permit_id, guardian=name, present=not absent
        ),
    )


def _decimal(value: str | None, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidInput("prevention.bad_percent", field=field) from None


@permit_app.command("gas-test")
@reports_domain_errors
def gas_test(
    permit_id: int = typer.Argument(..., help="Permit id."),
    o2: str = typer.Option(..., "--o2", help="Oxygen, % by volume."),
    combustible: str | None = typer.Option(
        None, "--combustible", help="Combustible gas, % by volume."
    ),
    lel: str | None = typer.Option(
        None, "--lel", help="Or a detector's reading, % of the gas's LEL."
    ),
    gas_lel: str | None = typer.Option(
        None, "--gas-lel", help="The measured gas's LEL, % by volume (from its SDS)."
    ),
    gas: str = typer.Option("", "--gas", help="The measured gas's name."),
    toxic: str | None = typer.Option(None, "--toxic", help="Toxic gas, ppm."),
    toxic_limit: str | None = typer.Option(
        None, "--toxic-limit", help="Its permitted concentration (GBZ 2.1), ppm."
    ),
    toxic_gas: str = typer.Option("", "--toxic-gas", help="The toxic substance's name."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a gas test now; hot work needs the combustible gas (GB 30871-2022: ≤ 0.5 % by
    volume for a gas whose LEL is ≥ 4 %, else ≤ 0.2 %)."""
    oxygen = _decimal(o2, "o2_percent")
    assert oxygen is not None

    def record(s: Any, who: Any, now: Any) -> WorkPermit:
        service.record_gas_test(
            s,
            who,
            permit_id=permit_id,
            at=now,
            o2_percent=oxygen,
            lel_percent=_decimal(lel, "lel_percent"),
            combustible_percent=_decimal(combustible, "combustible_percent"),
            gas_lel_percent=_decimal(gas_lel, "gas_lel_percent"),
            combustible_gas=gas,
            toxic_ppm=_decimal(toxic, "toxic_ppm"),
            toxic_limit_ppm=_decimal(toxic_limit, "toxic_limit_ppm"),
            toxic_gas=toxic_gas,
        )
        return service.get_permit(s, who, permit_id)

    _act(username, as_json, record)


@permit_app.command("close")
@reports_domain_errors
def close(
    permit_id: int = typer.Argument(..., help="Permit id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Close a permit (the work is over)."""
    _act(username, as_json, lambda s, who, _now: service.close_permit(s, who, permit_id))
