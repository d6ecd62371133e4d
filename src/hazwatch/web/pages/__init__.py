"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import login, monitor  # noqa: F401
