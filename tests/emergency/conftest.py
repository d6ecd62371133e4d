"""The monitoring tests' real webhook endpoint, for the hidden dangers' ladders."""

from tests.monitoring.conftest import webhook  # noqa: F401
