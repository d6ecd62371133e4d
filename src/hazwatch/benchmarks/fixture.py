"""A throw-away HazWatch for benchmarks: its own database, many points, one device per site."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.context import Context, build_context
from hazwatch.core.db import Base, make_engine
from hazwatch.core.settings import Settings
from hazwatch.monitoring import service
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.registry.demo import DemoIds, load_demo


@dataclass
class BenchSite:
    context: Context
    demo: DemoIds
    device_code: str
    site_id: int
    point_codes: list[str]
    database: str


def database_url(backend: str, folder: Path, postgres_url: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    name = f"hazwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, postgres_url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        Path(parsed.database or "").unlink(missing_ok=True)
        return
    admin = make_engine(postgres_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def build(settings: Settings, url: str, points: int) -> BenchSite:
    context = build_context(settings.model_copy(update={"database_url": url}))
    Base.metadata.create_all(context.engine)
    with context.unit_of_work() as session:
        demo = load_demo(session)
        site = demo["plant"]
        device, _token = service.create_device(
            session, SYSTEM, DeviceIn(site_id=site, organisation_id=demo["lab"], code="BENCH-GW")
        )
        codes = []
        for index in range(points):
            code = f"BENCH-O2-{index:05d}"
            service.create_point(
                session,
                SYSTEM,
                PointIn(
                    site_id=site,
                    organisation_id=demo["lab"],
                    room_id=demo["dry_room_2"],
                    device_id=device.id,
                    code=code,
                    kind=PointKind.O2,
                    expected_interval_s=3600,
                    off_delay_s=0,
                    deadband=0,
                    settings_reason="benchmark: every reading may toggle the alarm",
                ),
            )
            codes.append(code)
    return BenchSite(context, demo, "BENCH-GW", site, codes, url)
