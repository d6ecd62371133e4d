"""``hazwatch map …``: the district map's layers as GeoJSON, and placing sites and parks,
as a named user (``--as``, default: the system)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.district.map import service
from hazwatch.district.map.choices import MapLayer
from hazwatch.prevention.hazard_findings.service import Moment

map_app = typer.Typer(help="The district map (一张图): layers as GeoJSON, places.")


def register(app: typer.Typer) -> None:
    app.add_typer(map_app, name="map")


def _coordinate(text: str, field: str) -> Decimal:
    try:
        return service.check_coordinate(Decimal(text), field)
    except InvalidOperation:
        raise fail("map.coordinate_out_of_range", field=field, low="-", high="-") from None


@map_app.command("layers")
@reports_domain_errors
def layers(
    layer: list[MapLayer] = typer.Option([], "--layer", help="Only these layers; repeat."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Each layer the user sees: its features (``--json``: GeoJSON FeatureCollections)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = service.layers(session, who, Moment.of(context), language(), layer or None)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    for data in found.values():
        typer.echo(f"{data['label']} ({len(data['features'])})")
        for item in data["features"]:
            typer.echo(f"  {item['id']}: {item['properties']['label']}")


@map_app.command("locate-site")
@reports_domain_errors
def locate_site(
    site_id: int = typer.Argument(..., help="Site id."),
    lat: str = typer.Option(..., "--lat", help="Latitude, WGS-84."),
    lon: str = typer.Option(..., "--lon", help="Longitude, WGS-84."),
    username: str | None = AS_USER,
) -> None:
    """Place a site on the map."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        service.set_site_location(
            session, who, site_id, _coordinate(lat, "lat"), _coordinate(lon, "lon")
        )


@map_app.command("outline-park")
@reports_domain_errors
def outline_park(
    jurisdiction_id: int = typer.Argument(..., help="Park (jurisdiction) id."),
    wkt: str = typer.Option(..., "--wkt", help="POLYGON in lon lat (WGS-84)."),
    username: str | None = AS_USER,
) -> None:
    """Draw a park's boundary (a regulator of its area)."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        service.set_park_outline(session, who, jurisdiction_id, wkt)
