"""Graded risk control (风险分级管控, DOMAIN §7): analysis objects, hazardous events, their
control measures and assessments (LEC or LS) coloured by versioned band tables."""
