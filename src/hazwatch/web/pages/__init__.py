"""Console pages; importing this package registers every page with NiceGUI."""

from hazwatch.web.pages import alarms, login, monitor, registry  # noqa: F401
