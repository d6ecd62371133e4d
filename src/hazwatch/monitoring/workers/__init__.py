"""Partitioned ingest: worker processes that own shares of the sites (docs/ingest.md)."""
