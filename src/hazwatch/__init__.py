"""HazWatch: real-time hazardous-chemical and oxygen-deficiency risk monitoring."""

__version__ = "0.1.0"
