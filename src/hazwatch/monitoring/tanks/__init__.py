"""Tank telemetry in the live system: level → volume → mass, leak detection per tank with
its state persisted, and leak alarms on the rooms the tank feeds (issue #5, item 3)."""
