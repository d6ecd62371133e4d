"""A free local TCP port for a server started as a child process (a benchmark's server,
a test's broker or console): the child binds it a moment later, so another process may take
it in between; callers that care start the child again on another port."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (the system's choice for a port-0 bind)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
