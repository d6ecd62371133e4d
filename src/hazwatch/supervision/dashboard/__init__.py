"""The regulator dashboard (issue 15 item 9)."""
