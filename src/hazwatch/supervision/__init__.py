"""The regulator's side (issue 15): responsibilities and blind spots, incidents, warning
dispatch and on-site verification."""
