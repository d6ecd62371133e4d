"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import (  # noqa: F401
    access,
    alarms,
    calibration,
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
    scba,
    tanks,
    trend,
)
