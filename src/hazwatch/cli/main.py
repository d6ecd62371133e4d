"""Entry point of the ``hazwatch`` command."""

from __future__ import annotations

import typer

from hazwatch.cli import (
    admin,
    admission,
    bench,
    calibration,
    catalogue,
    chemicals,
    coverage,
    demo,
    district_map,
    duties,
    emergency,
    hazards,
    inspections,
    monitoring,
    occupancy,
    odh,
    permits,
    physics,
    rating,
    rating_records,
    registry,
    replay,
    resources,
    response,
    risks,
    supervision,
    supervision_dashboard,
    supervision_interconnect,
    supervision_records,
    supervision_tasks,
    tanks,
    transport,
    waste,
    workers,
)

app = typer.Typer(
    name="hazwatch",
    help="HazWatch: hazardous-chemical and oxygen-deficiency risk monitoring.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
admin.register(app)
registry.register(app)
demo.register(app)
bench.register(app)
monitoring.register(app)
physics.register(app)
odh.register(app)
replay.register(app)
response.register(app)
tanks.register(app)
hazards.register(app)
inspections.register(app)
chemicals.register(app)
risks.register(app)
supervision.register(app)
supervision_tasks.register(supervision.supervision_app)
supervision_interconnect.register(supervision.supervision_app)
supervision_dashboard.register(supervision.supervision_app)
rating.register(supervision.supervision_app)
rating_records.register(supervision.supervision_app)
supervision_records.register(supervision.supervision_app)
emergency.register(app)
calibration.register(app)
occupancy.register(app)
permits.register(app)
duties.register(app)
workers.register(app)
waste.register(app)
transport.register(app)
district_map.register(app)
admission.register(app)
catalogue.register(app)
resources.register(app)
coverage.register(app)

if __name__ == "__main__":
    app()
