"""The tank watch's attribution of a tank's excess drop to the fed rooms' modelled O2: pure
logic, kept in :mod:`hazwatch.physics.attribution` (the leak evaluation uses it too)."""

from hazwatch.physics.attribution import ExcessAttribution

__all__ = ["ExcessAttribution"]
