"""Landlord duties: tenants watched, inspected, and their risky changes notified."""
