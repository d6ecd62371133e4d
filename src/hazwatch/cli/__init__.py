"""The ``hazwatch`` command line (typer)."""
