"""Users, roles, passwords, API/session tokens and the caller's identity (``Principal``)."""
