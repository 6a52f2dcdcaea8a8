"""Seeded generators of the curriculum's synthetic and constructed teaching tables."""
