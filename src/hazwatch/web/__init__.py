"""The NiceGUI web console, mounted on the same FastAPI app as the API."""
