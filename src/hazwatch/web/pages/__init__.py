"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import (  # noqa: F401
    access,
    alarm_list,
    alarms,
    calibration,
    findings,
    hidden_dangers,
    inspections,
    login,
    monitor,
    muster,
    odh,
    readiness,
    registry,
    replay,
    scba,
    supervision,
    tanks,
    trend,
)
