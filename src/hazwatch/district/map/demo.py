"""The demo district on the map: the landlord's plant on 龙山路, the chemical plant inside
the 滨海科创园 park (its outline drawn by the emergency-management bureau). The tanker in
the 海港隧道 tunnel and the manifest that fails reconciliation (the chemical plant's) then
show on the map by themselves."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.district.map import service
from hazwatch.registry.demo import DemoIds

PARK = (
    "POLYGON ((121.7850 29.8650, 121.8150 29.8650, 121.8150 29.8870, "
    "121.7850 29.8870, 121.7850 29.8650))"
)
SITES = {
    "plant": (Decimal("29.9300"), Decimal("121.7600")),
    "chem_site": (Decimal("29.8750"), Decimal("121.8000")),
}


def load(session: Session, demo: DemoIds) -> None:
    service.set_park_outline(session, SYSTEM, demo["park"], PARK)
    for key, (lat, lon) in SITES.items():
        service.set_site_location(session, SYSTEM, demo[key], lat, lon)
