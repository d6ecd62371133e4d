"""Daily safety commitment (安全承诺): published daily, missing ones flagged."""
