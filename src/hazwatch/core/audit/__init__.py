"""Append-only, hash-chained audit trail of every change to safety data."""
