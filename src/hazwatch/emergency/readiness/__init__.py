"""Emergency readiness: plans, drills, training and qualifications, the equipment registry."""
