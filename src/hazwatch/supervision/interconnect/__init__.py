"""Interconnection with city and park platforms (issue 15 item 8; seed 001 §14 互联互通)."""
