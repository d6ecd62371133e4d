"""Scenarios and replay: a YAML description of a site and what happened in it, replayed on a
simulated clock through the same ingest, alarm, escalation, interlock and access-check code
that serves live data (issue #5). See ``docs/scenarios.md`` for the format."""
