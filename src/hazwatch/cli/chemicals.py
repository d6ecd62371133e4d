"""``hazwatch chemicals …``: the catalogue, units and GB 18218-2018 major hazards; adding and
changing units, declaring holdings, linking rooms, appointing accountable persons and
recording their duty checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from hazwatch.chemicals import ledger, service
from hazwatch.chemicals.choices import IdentificationTrigger, MovementKind, PersonRole, UnitKind
from hazwatch.chemicals.models import ChemicalUnit, MajorHazardIdentification
from hazwatch.chemicals.schemas import (
    ChemicalOut,
    DutyCheckIn,
    DutyCheckOut,
    HoldingIn,
    HoldingOut,
    HoldingPatch,
    IdentificationOut,
    MovementOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RoomLinkIn,
    RoomLinkOut,
    UnitIn,
    UnitOut,
    UnitPatch,
    typed_movement,
)
from hazwatch.chemicals.seed import seed_catalogue
from hazwatch.cli.common import cli_context, language, reports_domain_errors, typed
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.i18n import translate
from hazwatch.prevention.ledger import workbook

chemicals_app = typer.Typer(help="Hazardous chemicals and GB 18218-2018 major hazards.")


def register(app: typer.Typer) -> None:
    app.add_typer(chemicals_app, name="chemicals")


def _unit_json(unit: ChemicalUnit, identification: MajorHazardIdentification | None) -> Any:
    return {
        **UnitOut.model_validate(unit).model_dump(mode="json"),
        "identification": None
        if identification is None
        else IdentificationOut.model_validate(identification).model_dump(mode="json"),
    }


def _unit_line(unit: ChemicalUnit, identification: MajorHazardIdentification | None) -> str:
    lang = language()
    kind = UnitKind(unit.kind).label(lang)
    if identification is None:
        return f"#{unit.id} {unit.name} ({kind})"
    return translate(
        "chemicals.cli.unit",
        lang,
        id=unit.id,
        unit=unit.name,
        kind=kind,
        s=identification.s,
        r=identification.r or "-",
        level="-" if identification.level is None else identification.level,
        major=translate(
            "chemicals.cli.major" if identification.major else "chemicals.cli.not_major", lang
        ),
    )


@chemicals_app.command("list")
@reports_domain_errors
def list_chemicals(
    query: str | None = typer.Option(None, "-q", help="Name or CAS number."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The catalogue (the platform's GB 18218-2018 entries and the organisation's own)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = [ChemicalOut.model_validate(c) for c in service.list_chemicals(session, who, query)]
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in shown], ensure_ascii=False))
        return
    for chemical in shown:
        row = f" 表1#{chemical.table1_seq}" if chemical.table1_seq else ""
        classes = ",".join(chemical.gb_classes)
        typer.echo(f"#{chemical.id} {chemical.name} {chemical.cas or '-'}{row} {classes}".rstrip())


@chemicals_app.command("import")
@reports_domain_errors
def import_file(
    path: Path = typer.Argument(..., help="A .csv (UTF-8) or .xlsx file; first row names columns."),
    organisation: int = typer.Option(..., "--org", help="Organisation id the entries belong to."),
    username: str | None = AS_USER,
) -> None:
    """Add catalogue entries from a file: all rows or none (an error names the row)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        added = service.import_chemicals(session, who, organisation, path.read_bytes(), path.name)
        count = len(added)
    typer.echo(translate("chemicals.cli.imported", language(), count=count))


@chemicals_app.command("seed")
@reports_domain_errors
def seed() -> None:
    """Add the platform catalogue entries from GB 18218-2018 that are missing."""
    with cli_context() as context, context.unit_of_work() as session:
        count = seed_catalogue(session)
    typer.echo(translate("chemicals.cli.imported", language(), count=count))


@chemicals_app.command("units")
@reports_domain_errors
def units(
    site: int | None = typer.Option(None, "--site", help="Only this site's units."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Production and storage units with their current S, R and level."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = service.list_units(session, who, site)
        current = service.latest_by_unit(session, [u.id for u in found])
        rows = [(u, current.get(u.id)) for u in found]
        if as_json:
            typer.echo(json.dumps([_unit_json(u, i) for u, i in rows], ensure_ascii=False))
            return
        for unit, identification in rows:
            typer.echo(_unit_line(unit, identification))


@chemicals_app.command("major-hazards")
@reports_domain_errors
def major_hazards(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The major-hazard list, level 1 first."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = service.list_major_hazards(session, who)
        if as_json:
            typer.echo(json.dumps([_unit_json(u, i) for u, i in found], ensure_ascii=False))
            return
        for unit, identification in found:
            typer.echo(_unit_line(unit, identification))


@chemicals_app.command("major-hazards-export")
@reports_domain_errors
def major_hazards_export(
    path: Path = typer.Argument(..., help="Output .xlsx file."),
    username: str | None = AS_USER,
) -> None:
    """Write the major-hazard list (GB 18218-2018) to an Excel file in the command line's
    language."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        book = ledger.major_hazard_ledger(
            session, who, context.clock.now(), lang, context.settings.timezone
        )
    path.write_bytes(workbook(book))
    typer.echo(translate("chemicals.cli.exported", lang, count=len(book.rows), path=str(path)))


@chemicals_app.command("move")
@reports_domain_errors
def move(
    kind: MovementKind = typer.Argument(..., help="in, out or transfer."),
    chemical: int = typer.Option(..., "--chemical", help="Catalogue entry id."),
    quantity: str = typer.Option(..., "--quantity", help="Tonnes, more than 0."),
    source: int | None = typer.Option(None, "--from", help="The unit the stock leaves."),
    target: int | None = typer.Option(None, "--to", help="The unit the stock enters."),
    note: str = typer.Option("", "--note", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Stock in (--to), out (--from) or transferred (both): never below zero nor above the
    unit's design maximum; a refusal names the field and stores nothing."""
    data = typed_movement(
        kind=kind,
        chemical_id=chemical,
        quantity_t=quantity,
        from_unit_id=source,
        to_unit_id=target,
        note=note,
    )
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who  # the audit names who moved it
        moved = service.record_movement(session, who, data, context.clock.now())
        shown = MovementOut.model_validate(moved).model_dump(mode="json")
        moved_id = moved.id
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        text = translate(
            "chemicals.cli.moved", language(), id=moved_id, kind=kind, quantity=str(data.quantity_t)
        )
        typer.echo(text)


@chemicals_app.command("identify")
@reports_domain_errors
def identify(
    unit: int | None = typer.Argument(None, help="Unit id."),
    every: bool = typer.Option(False, "--all", help="Every unit the caller may write."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Identify and grade a unit (a new record only if its inputs changed) with the working:
    each substance's Q (Table 1 row or Table 2 class), q/Q and β, then α, S, R and level."""
    lang = language()
    if unit is None and not every:
        raise typer.BadParameter(translate("chemicals.cli.unit_or_all", lang))
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        ids = [unit] if unit is not None else [u.id for u in service.list_units(session, who)]
        results = []
        for unit_id in ids:
            found = service.writable_unit(session, who, unit_id)
            row = service.identify_unit(session, found, IdentificationTrigger.MANUAL, now)
            results.append((found, row))
        if as_json:
            typer.echo(json.dumps([_unit_json(u, i) for u, i in results], ensure_ascii=False))
            return
        for found, row in results:
            typer.secho(_unit_line(found, row), bold=True)
            for term in row.working["terms"]:
                typer.echo(
                    translate(
                        "chemicals.cli.term",
                        lang,
                        name=term["name"],
                        q=term["quantity_t"],
                        critical=term["critical_t"] or "-",
                        clause=term["clause"] or translate("chemicals.cli.not_listed", lang),
                        ratio=term["ratio"],
                        beta=term["beta"] or "-",
                    )
                )
            typer.echo(
                translate(
                    "chemicals.cli.alpha",
                    lang,
                    people=row.working["people_within_500m"],
                    alpha=row.working["alpha"],
                )
            )


def _saved(what: str, shown: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        lang = language()
        name = translate(f"chemicals.cli.what.{what}", lang)
        typer.echo(translate("chemicals.cli.saved", lang, what=name, id=shown["id"]))


@chemicals_app.command("unit-add")
@reports_domain_errors
def unit_add(
    organisation: int = typer.Option(..., "--org", help="The organisation (id)."),
    site: int = typer.Option(..., "--site", help="The site (id)."),
    name: str = typer.Option(..., "--name"),
    kind: UnitKind = typer.Option(UnitKind.STORAGE, "--kind"),
    people: int = typer.Option(0, "--people", help="People within 500 m (GB 18218 α)."),
    note: str = typer.Option("", "--note", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add a production or storage unit (or a plain storage location) of a site."""
    data = typed(
        UnitIn,
        organisation_id=organisation,
        site_id=site,
        name=name,
        kind=kind,
        people_within_500m=people,
        note=note,
    )
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = UnitOut.model_validate(service.create_unit(session, who, data))
    _saved("unit", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("unit-edit")
@reports_domain_errors
def unit_edit(
    unit: int = typer.Argument(..., help="Unit id."),
    name: str | None = typer.Option(None, "--name"),
    people: int | None = typer.Option(None, "--people", help="People within 500 m."),
    note: str | None = typer.Option(None, "--note", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Change a unit's name, people within 500 m (it is identified again) or note."""
    given = {"name": name, "people_within_500m": people, "note": note}
    data = typed(UnitPatch, **{k: v for k, v in given.items() if v is not None})
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = UnitOut.model_validate(service.update_unit(session, who, unit, data))
    _saved("unit", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("declare")
@reports_domain_errors
def declare(
    unit: int = typer.Argument(..., help="Unit id."),
    chemical: int = typer.Option(..., "--chemical", help="Catalogue entry id."),
    design_max: str = typer.Option(..., "--design-max", help="Design maximum q, tonnes."),
    current: str | None = typer.Option(None, "--current", help="Stock now (first time only)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Declare a chemical's design maximum in a unit (the unit is identified again); its
    stock changes by movements afterwards."""
    data = typed(HoldingIn, chemical_id=chemical, design_max_t=design_max, current_t=current)
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = HoldingOut.model_validate(service.set_holding(session, who, unit, data))
    _saved("holding", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("link-room")
@reports_domain_errors
def link_room(
    unit: int = typer.Argument(..., help="Unit id."),
    room: int = typer.Argument(..., help="Room id."),
    release: str | None = typer.Option(None, "--release", help="Largest release, m³/h."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The unit stands in the room: its inert gases become the room's hazard sources."""
    data = typed(RoomLinkIn, room_id=room, max_release_m3_h=release)
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = RoomLinkOut.model_validate(service.link_room(session, who, unit, data))
    _saved("room_link", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("unlink-room")
@reports_domain_errors
def unlink_room(
    unit: int = typer.Argument(..., help="Unit id."),
    room: int = typer.Argument(..., help="Room id."),
    username: str | None = AS_USER,
) -> None:
    """The unit no longer stands in the room (its gases leave the room's hazard sources)."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        service.unlink_room(session, who, unit, room)
    typer.echo(translate("chemicals.cli.unlinked", language(), unit=unit, room=room))


@chemicals_app.command("person-add")
@reports_domain_errors
def person_add(
    unit: int = typer.Argument(..., help="Unit id (a major hazard)."),
    role: PersonRole = typer.Option(..., "--role"),
    name: str = typer.Option(..., "--name"),
    position: str = typer.Option("", "--position"),
    phone: str = typer.Option("", "--phone"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Appoint the principal, technical or operational person accountable (包保责任人)."""
    data = typed(PersonIn, role=role, name=name, position=position, phone=phone)
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = PersonOut.model_validate(service.add_person(session, who, unit, data))
    _saved("person", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("duty-check")
@reports_domain_errors
def duty_check(
    person: int = typer.Argument(..., help="The accountable person (id)."),
    ok: bool = typer.Option(True, "--ok/--not-ok", help="What the check found."),
    note: str = typer.Option("", "--note", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record an accountable person's periodic duty check, done now."""
    data = typed(DutyCheckIn, ok=ok, note=note)
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        check = service.record_duty_check(session, who, person, data, context.clock.now())
        shown = DutyCheckOut.model_validate(check)
    _saved("duty_check", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("holding-edit")
@reports_domain_errors
def holding_edit(
    holding: int = typer.Argument(..., help="The holding (id)."),
    design_max: str = typer.Option(..., "--design-max", help="Design maximum q, tonnes."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A holding's new design maximum (not below its stock; the unit is identified again)."""
    data = typed(HoldingPatch, design_max_t=design_max)
    with acting_as(username, writes=True) as run:
        changed = service.update_holding(run.session, run.who, holding, data)
        shown = HoldingOut.model_validate(changed)
    _saved("holding", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("holding-remove")
@reports_domain_errors
def holding_remove(
    holding: int = typer.Argument(..., help="The holding (id)."),
    username: str | None = AS_USER,
) -> None:
    """The unit no longer holds the chemical: refused while stock is left (move it out)."""
    with acting_as(username, writes=True) as run:
        service.remove_holding(run.session, run.who, holding)
    typer.echo(translate("chemicals.cli.removed", language(), id=holding))


@chemicals_app.command("person-edit")
@reports_domain_errors
def person_edit(
    person: int = typer.Argument(..., help="The accountable person (id)."),
    name: str | None = typer.Option(None, "--name"),
    position: str | None = typer.Option(None, "--position"),
    phone: str | None = typer.Option(None, "--phone"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Correct a person's details; handing the role over is person-retire + person-add."""
    data = typed(PersonPatch, name=name, position=position, phone=phone)
    with acting_as(username, writes=True) as run:
        changed = service.update_person(run.session, run.who, person, data)
        shown = PersonOut.model_validate(changed)
    _saved("person", shown.model_dump(mode="json"), as_json)


@chemicals_app.command("person-retire")
@reports_domain_errors
def person_retire(
    person: int = typer.Argument(..., help="The accountable person (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The person no longer holds the role (kept, with their duty checks)."""
    with acting_as(username, writes=True) as run:
        retired = service.retire_person(run.session, run.who, person, run.now)
        shown = PersonOut.model_validate(retired)
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        typer.echo(translate("chemicals.cli.retired", language(), id=shown.id, name=shown.name))
