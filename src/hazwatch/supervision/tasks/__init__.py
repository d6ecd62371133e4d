"""Task decomposition and monthly progress (issue 15 item 7)."""
