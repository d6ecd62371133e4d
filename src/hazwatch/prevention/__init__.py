"""Dual prevention: risk grading and the hidden-danger loop; special-work permits."""
