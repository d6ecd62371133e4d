"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import login  # noqa: F401
