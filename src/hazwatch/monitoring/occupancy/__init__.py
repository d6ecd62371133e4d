"""Who is inside: door decisions and exits give each room's occupants."""
