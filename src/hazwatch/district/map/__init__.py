"""The district map (issue 16 item 7): where sites are, park outlines, and every layer that
has a place (major hazards, open alarms and warnings, vehicles, restricted road segments,
waste manifests) as GeoJSON for the caller's organisations and jurisdiction."""
