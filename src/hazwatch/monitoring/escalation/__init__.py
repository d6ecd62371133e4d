"""Escalation ladders and notifications: an alarm climbs until someone acknowledges it."""
