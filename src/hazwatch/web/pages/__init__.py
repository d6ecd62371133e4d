"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import (  # noqa: F401
    access,
    alarms,
    calibration,
    chemicals,
    findings,
    hidden_dangers,
    inspections,
    login,
    monitor,
    muster,
    odh,
    permits,
    readiness,
    registry,
    replay,
    risks,
    scba,
    supervision,
    tanks,
    trend,
)
