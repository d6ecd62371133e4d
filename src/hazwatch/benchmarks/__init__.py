"""Rerunnable benchmarks (``hazwatch bench …``); figures are printed, never asserted."""
