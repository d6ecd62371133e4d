"""Interlocks: alarm states drive actuators (exhaust fan, supply valve, horn/strobe)."""
