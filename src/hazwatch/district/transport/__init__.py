"""Hazardous-goods road transport (危险货物运输, seed 001 measure 6)."""
