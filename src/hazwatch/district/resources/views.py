"""Emergency-resource answers for the API, the command line and the console."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.i18n import translate
from hazwatch.district.resources import service
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition, TeamKind
from hazwatch.district.resources.models import (
    DispatchRules,
    LibraryItem,
    RescueTeam,
    ResourceDispatch,
)
from hazwatch.district.resources.schemas import (
    CandidateOut,
    DispatchOut,
    ItemOut,
    LineOut,
    MemberOut,
    RulesOut,
    ShortfallOut,
    TeamOut,
)
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.models import Drill, Equipment
from hazwatch.registry.service import organisation_names
from hazwatch.supervision.models import Incident


def library(session: Session, statuses: list[service.ItemStatus], language: str) -> list[ItemOut]:
    names = organisation_names(session, [s.item.organisation_id for s in statuses])
    return [
        ItemOut(
            equipment_id=s.item.equipment_id,
            code=s.equipment.code,
            kind=EquipmentKind(s.equipment.kind),
            kind_label=EquipmentKind(s.equipment.kind).label(language),
            name=s.equipment.name,
            organisation_id=s.item.organisation_id,
            owner=names.get(s.item.organisation_id, ""),
            site_id=s.equipment.site_id,
            location=s.equipment.location,
            lat=s.item.lat,
            lon=s.item.lon,
            quantity=s.item.quantity,
            unit=s.item.unit,
            condition=s.item.condition,
            condition_label=ItemCondition(s.item.condition).label(language),
            shared=s.item.shared,
            ready=s.ready,
            not_ready_reason=translate(s.reason, language) if s.reason else None,
            last_check=s.last_check,
            out=s.out,
            lendable=s.lendable,
        )
        for s in statuses
    ]


def team_outs(
    session: Session, teams: list[RescueTeam], today: date, language: str
) -> list[TeamOut]:
    names = organisation_names(session, [t.organisation_id for t in teams])
    shown = []
    for team in teams:
        held = service.member_qualifications(session, team, today)
        people = [
            MemberOut(
                id=m.id,
                person=m.person,
                role=m.role,
                qualifications=[
                    QualificationKind(q.kind).label(language) for q in held.get(m.person, [])
                ],
                qualified=any(q.kind == QualificationKind.RESCUE for q in held.get(m.person, [])),
            )
            for m in service.members(session, team.id)
        ]
        shown.append(
            TeamOut(
                id=team.id,
                organisation_id=team.organisation_id,
                owner=names.get(team.organisation_id, ""),
                name=team.name,
                kind=team.kind,
                kind_label=TeamKind(team.kind).label(language),
                site_id=team.site_id,
                lat=team.lat,
                lon=team.lon,
                phone=team.phone,
                available=team.available,
                busy=service.team_busy(session, team.id),
                members=people,
                qualified_members=sum(p.qualified for p in people),
            )
        )
    return shown


def rules_out(session: Session, jurisdiction_id: int) -> RulesOut:
    rules = service.rules_for(session, jurisdiction_id)
    return RulesOut(
        jurisdiction_id=jurisdiction_id,
        max_distance_km=rules.max_distance_km,
        reserve_percent=rules.reserve_percent,
        speed_kmh=rules.speed_kmh,
        teams=rules.teams,
        team_min_qualified=rules.team_min_qualified,
        professional_first=rules.professional_first,
        basis=rules.basis,
        default=session.get(DispatchRules, jurisdiction_id) is None
        and rules == service.DEFAULT_RULES,
    )


def candidate_outs(session: Session, found: list[service.Candidate]) -> list[CandidateOut]:
    names = organisation_names(session, [c.organisation_id for c in found])
    return [
        CandidateOut(
            equipment_id=c.equipment_id,
            team_id=c.team_id,
            organisation_id=c.organisation_id,
            owner=names.get(c.organisation_id, ""),
            label=c.label,
            distance_km=c.distance_km,
            minutes=c.minutes,
            by_table=c.by_table,
            available=c.available,
        )
        for c in found
    ]


def shortfall_label(kind: str, language: str) -> str:
    if kind == "team":
        return translate("district.resources.team", language)
    return EquipmentKind(kind).label(language)


def _subject(session: Session, dispatch: ResourceDispatch) -> str:
    if dispatch.incident_id is not None:
        incident = session.get(Incident, dispatch.incident_id)
        return incident.title if incident else ""
    drill = session.get(Drill, dispatch.drill_id) if dispatch.drill_id else None
    return drill.title if drill else ""


def dispatch_outs(
    session: Session, dispatches: list[ResourceDispatch], language: str
) -> list[DispatchOut]:
    shown = []
    for d in dispatches:
        lines = service.lines_of(session, d.id)
        names = organisation_names(
            session, [d.organisation_id, *(line.organisation_id for line in lines)]
        )
        line_outs = []
        for line in lines:
            if line.equipment_id is not None:
                equipment = session.get(Equipment, line.equipment_id)
                item = session.get(LibraryItem, line.equipment_id)
                what = (equipment.name or equipment.code) if equipment else ""
                kind_label = EquipmentKind(equipment.kind).label(language) if equipment else ""
                unit = item.unit if item else ""
            else:
                team = session.get(RescueTeam, line.team_id)
                what = team.name if team else ""
                kind_label = TeamKind(team.kind).label(language) if team else ""
                unit = ""
            state = service.state_of(line)
            line_outs.append(
                LineOut(
                    id=line.id,
                    dispatch_id=d.id,
                    organisation_id=line.organisation_id,
                    owner=names.get(line.organisation_id, ""),
                    equipment_id=line.equipment_id,
                    team_id=line.team_id,
                    what=what,
                    kind_label=kind_label,
                    quantity=line.quantity,
                    unit=unit,
                    distance_km=line.distance_km,
                    minutes=line.minutes,
                    by_table=line.by_table,
                    state=state,
                    state_label=state.label(language),
                    sent_at=line.sent_at,
                    arrived_at=line.arrived_at,
                    returned_at=line.returned_at,
                    returned_quantity=line.returned_quantity,
                    note=line.note,
                )
            )
        shown.append(
            DispatchOut(
                id=d.id,
                organisation_id=d.organisation_id,
                organisation=names.get(d.organisation_id, ""),
                purpose=d.purpose,
                purpose_label=DispatchPurpose(d.purpose).label(language),
                incident_id=d.incident_id,
                drill_id=d.drill_id,
                subject=_subject(session, d),
                site_id=d.site_id,
                lat=d.lat,
                lon=d.lon,
                requested_at=d.requested_at,
                requested_by=d.requested_by,
                note=d.note,
                rules=dict(d.rules),
                shortfalls=[
                    ShortfallOut(
                        kind=s["kind"],
                        kind_label=shortfall_label(s["kind"], language),
                        missing=Decimal(s["missing"]),
                    )
                    for s in d.shortfalls
                ],
                closed_at=d.closed_at,
                lines=line_outs,
            )
        )
    return shown
