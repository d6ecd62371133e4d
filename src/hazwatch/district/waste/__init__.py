"""Hazardous-waste transfer manifests (危险废物转移联单, seed 001 measure 8)."""
