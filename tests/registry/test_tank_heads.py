"""The registry's tank heads are the physics' head shapes, one for one: a shape offered in
the form but unknown to the geometry would fail only when a level arrives."""

from __future__ import annotations

from hazwatch.physics.tank import HeadShape
from hazwatch.registry.choices import TankHeads


def test_every_registry_head_is_a_geometry_head_shape() -> None:
    assert [h.value for h in TankHeads] == [h.value for h in HeadShape]
