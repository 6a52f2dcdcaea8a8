"""Seeded generators of the synthetic teaching tables (no public microdata exists for them)."""
