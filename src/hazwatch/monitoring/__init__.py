"""Real-time monitoring: measurement points, ingest, the alarm engine and what reacts to it."""
