"""Emergency readiness: breathing apparatus (SCBA) and, later, plans, drills and resources."""
