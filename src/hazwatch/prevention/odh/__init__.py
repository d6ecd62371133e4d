"""Oxygen-deficiency hazard (ODH) assessment of rooms: stored with its inputs, recomputed when
the room, its inert-gas sources or its safeguards change (issue #5, item 1)."""
